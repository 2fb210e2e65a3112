/* NAME    mpi_shift.c
 * PURPOSE The index-shifted view of a workload (mpi_shift.h). */
#include "mpi_shift.h"

static long sh_ntasks(const void *state)
{
    const struct shift *s = state;
    return s->w->ntasks(s->state);
}

static int sh_worker_init(void *state, void **tls)
{
    struct shift *s = state;
    return s->w->worker_init ? s->w->worker_init(s->state, tls) : 0;
}

static void sh_worker_fini(void *state, void *tls)
{
    struct shift *s = state;
    if (s->w->worker_fini) s->w->worker_fini(s->state, tls);
}

static void sh_run_task(void *state, void *tls, long i, struct outcome *o)
{
    struct shift *s = state;
    s->w->run_task(s->state, tls, s->off + i, o);
}

/* The workload calls done with its own index; the loop wants its own back. */
static void sh_done(void *ctx, long i)
{
    struct shift *s = ctx;
    s->done(s->ctx, i - s->off);
}

static void sh_start_task(void *state, void *tls, struct loop *ev, long i, struct outcome *o,
                          task_done_fn done, void *ctx)
{
    struct shift *s = state;
    s->done = done; /* one executor, one completion and context for all its tasks */
    s->ctx = ctx;
    s->w->start_task(s->state, tls, ev, s->off + i, o, sh_done, s);
}

static int sh_loop_init(void *state, void *tls, struct loop *ev)
{
    struct shift *s = state;
    return s->w->loop_init(s->state, tls, ev);
}

static void sh_loop_fini(void *state, void *tls)
{
    struct shift *s = state;
    s->w->loop_fini(s->state, tls);
}

static void sh_cancel_all(void *state, void *tls)
{
    struct shift *s = state;
    s->w->cancel_all(s->state, tls);
}

void shift_view(struct workload *view, struct shift *s, const struct workload *w, void *state)
{
    *s = (struct shift){.w = w, .state = state};
    *view = *w;
    view->ntasks = sh_ntasks;
    view->worker_init = sh_worker_init;
    view->worker_fini = sh_worker_fini;
    view->run_task = sh_run_task;
    view->start_task = w->start_task ? sh_start_task : NULL;
    view->loop_init = w->loop_init ? sh_loop_init : NULL;
    view->loop_fini = w->loop_fini ? sh_loop_fini : NULL;
    view->cancel_all = w->cancel_all ? sh_cancel_all : NULL;
}
