/* NAME    mpi_comm.h
 * PURPOSE The few MPI operations the mpi executor uses, each bounded in time: collectives are
 *         started non-blocking and completed by polling against a deadline, so a rank that died
 *         or hangs cannot hold rank 0 forever (past the deadline the job is aborted). Built
 *         without MPI, every call works for one rank (a singleton) and comm_available() is 0. */
#ifndef CVP_MPI_COMM_H
#define CVP_MPI_COMM_H

#include <stddef.h>
#include <stdint.h>

#define COMM_NAME_MAX 64 /* a host's processor name, truncated */

/* 1 when cvpbench was built with MPI. */
int comm_available(void);
/* 1 when this process was started by an MPI launcher (mpirun sets its environment). */
int comm_launched(void);
/* MPI_Init_thread (funneled: only the calling thread makes MPI calls). 0, or -1 with err. */
int comm_init(char *err, size_t errlen);
void comm_finalize(void);
int comm_rank(void);
int comm_size(void);
/* Ranks on this host (a shared-memory communicator's size). */
int comm_local_size(void);
/* This rank's processor name (the host). */
void comm_name(char *buf, size_t len);

/* Each call returns 0, or -ETIMEDOUT when deadline_ns (monotonic) passed first. */
int comm_bcast(void *buf, size_t bytes, int64_t deadline_ns);
/* Rows [first[r], first[r + 1]) of a row-major buffer go to / come from rank r. */
int comm_scatter_rows(void *base, size_t row_bytes, const long *first, int64_t deadline_ns);
int comm_gather_rows(void *base, size_t row_bytes, const long *first, int64_t deadline_ns);
/* Gathers bytes[r] bytes from each rank r into all (rank 0), packed in rank order. */
int comm_gatherv(const void *mine, size_t mine_bytes, void *all, const size_t *bytes,
                 int64_t deadline_ns);
/* The max over ranks, on every rank. */
int comm_allmax(int v, int64_t deadline_ns, int *out);
/* A rank other than 0 waiting for rank 0's next command: no deadline (rank 0 ends the job),
 * and it sleeps while it waits, so an idle rank leaves its core to the working ones. */
int comm_wait_bcast(void *buf, size_t bytes);
/* Loopback or network bandwidth between ranks 0 and 1 (bytes per second, best of a few round
 * trips of a large message); 0 with one rank. Collective. */
double comm_bandwidth(int64_t deadline_ns);
/* Ends every rank of the job. */
_Noreturn void comm_abort(int code);

#endif
