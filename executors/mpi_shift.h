/* NAME    mpi_shift.h
 * PURPOSE A rank's share of a batch, tasks [off, off + m), run by an ordinary executor as a
 *         batch of its own, tasks [0, m): a workload seen through an index shift, so the inner
 *         executor's task k is the workload's task off + k (its non-blocking form's done()
 *         shifted back). */
#ifndef CVP_MPI_SHIFT_H
#define CVP_MPI_SHIFT_H

#include "workload.h"

struct shift {
    const struct workload *w; /* the real workload */
    void *state;              /* its state */
    long off;                 /* the share's first task */
    task_done_fn done;        /* the loop's completion, kept for the shifted one */
    void *ctx;
};

/* Fills view with w seen through s (its state argument is then s); s->w and s->state set. */
void shift_view(struct workload *view, struct shift *s, const struct workload *w, void *state);

#endif
