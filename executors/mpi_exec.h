/* NAME    mpi_exec.h
 * PURPOSE The mpi executor's pieces: what rank 0 tells the others before each batch, how an
 *         outcome travels (times relative to its rank's start, its message as text), and the
 *         state every rank keeps. mpi.c is the executor (rank 0 runs the runner; every other
 *         rank serves batches from inside create() until rank 0 says quit); mpi_rank.c is one
 *         rank's part of a batch, the same code on every rank. */
#ifndef CVP_MPI_EXEC_H
#define CVP_MPI_EXEC_H

#include <stdint.h>

#include "cpu_use.h"
#include "executor.h"
#include "mpi_comm.h"
#include "mpi_shift.h"

enum { CMD_RUN = 1, CMD_QUIT = 2 };

/* Rank 0's word before each batch (broadcast). */
struct mpi_cmd {
    int32_t op;
    int32_t fail_fast;
    int64_t n;           /* tasks in the batch */
    int64_t deadline_ns; /* after each rank's start; 0 = none */
    int64_t fail_task;   /* -1 = none */
    int32_t has_due;     /* open loop: arrival times follow (scattered) */
    int32_t pad;
};

#define WIRE_MSGS    15  /* distinct error messages one rank sends per batch */
#define WIRE_MSG_LEN 120 /* each, truncated */

/* An outcome in transit: 32 bytes. */
struct wire_outcome {
    int64_t start_rel, end_rel; /* ns after the rank's start; start 0 = never started */
    int64_t bytes;
    int16_t status;
    uint8_t cls, worker, flags;
    uint8_t msg; /* 0 = none, else 1 + its index in the rank's messages */
    uint8_t pad[2];
};

/* Per rank and batch: its compute time, CPU, and its error messages. */
struct wire_tail {
    double compute_s;
    struct cpu_use cpu; /* the rank's, over its share */
    int64_t stop_rel;   /* when its share stopped (--fail-fast, the deadline), after its start */
    int32_t stop_reason, pad;
    char msgs[WIRE_MSGS][WIRE_MSG_LEN];
};

struct mpi_exec {
    const struct workload *w;
    void *wstate;
    const struct executor *inner;
    void *inner_ex;
    struct exec_info inner_info;
    struct workload view; /* w seen through shift, for the inner executor */
    struct shift shift;
    int rank, size, mpi; /* mpi = 0: a singleton, one rank, no MPI at all */
    int has_dist;
    struct dist dist;
    long *first;               /* size + 1: rank r's tasks are [first[r], first[r + 1]) */
    long *first_row;           /* likewise in rows, for the dist buffers */
    long n;                    /* tasks the arrays are sized for */
    struct outcome *out;       /* this rank's outcomes (ranks other than 0) */
    struct wire_outcome *wire; /* rank 0: every other rank's; others: their own */
    struct wire_tail *tails;   /* rank 0: one per rank; others: [0] is theirs */
    int64_t *due;              /* the batch's arrival times, n of them */
    long threads_per_rank;
    char (*hosts)[COMM_NAME_MAX]; /* rank 0: each rank's processor name */
    double bandwidth_bps;         /* between ranks 0 and 1, at set-up; 0 with one rank */
    /* The last batch (rank 0). */
    double wall_s, compute_s, compute_max_s, moved_bytes;
    /* Messages other ranks sent, kept until destroy (outcomes point at them). */
    char *pool;
    size_t pool_used, pool_cap;
};

/* Sizes the per-batch arrays and the shares for a batch of n tasks. 0 or -ENOMEM. */
int mpi_share_resize(struct mpi_exec *m, long n);
/* This rank's part of a batch: data in, its share through the inner executor, data and
 * outcomes back to rank 0. b is the runner's batch on rank 0, NULL elsewhere. Aborts the job
 * (one line on stderr) when a rank does not answer in time. */
void mpi_share_run(struct mpi_exec *m, const struct mpi_cmd *cmd, struct batch *b);

#endif
