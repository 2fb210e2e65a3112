/* NAME    dist.h
 * PURPOSE How a workload's data crosses to other MPI ranks, which are separate programs: each
 *         rank sets the workload up itself, so its inputs exist everywhere, but a distributed
 *         program holds them at one rank and moves them. A workload that describes its buffers
 *         here has them moved as such a program would, within the timed region and timed apart
 *         from compute: buffers every rank needs whole are broadcast from rank 0 before a batch;
 *         buffers split by task (row-major, task i owning rows [row0(i), row0(i + 1))) are
 *         scattered from rank 0 (inputs) or gathered to it after the batch (outputs), each rank
 *         sending or receiving the rows of its own tasks. On ranks other than 0 the inputs are
 *         overwritten with NaN first, so a result can only validate if the data really moved. */
#ifndef CVP_DIST_H
#define CVP_DIST_H

#include <stddef.h>

#define DIST_MAX_BUFS 4

enum dist_kind {
    DIST_BCAST,   /* an input every rank needs whole */
    DIST_SCATTER, /* an input split by task */
    DIST_GATHER,  /* an output split by task */
};

struct dist_buf {
    enum dist_kind kind;
    void *base;
    size_t bytes;     /* DIST_BCAST: the whole buffer */
    size_t row_bytes; /* DIST_SCATTER, DIST_GATHER: bytes of one row */
};

struct dist {
    int nbufs;
    struct dist_buf buf[DIST_MAX_BUFS];
    /* The first row of task i; row0(state, ntasks) is the row count. */
    long (*row0)(const void *state, long i);
};

#endif
