/* NAME    mpi_rank.c
 * PURPOSE One rank's part of a batch under the mpi executor, the same code on every rank:
 *         inputs in (the workload's broadcast and scattered buffers, the open loop's arrival
 *         times), its contiguous share of the tasks through the inner executor, then outputs
 *         and outcomes gathered to rank 0, which turns each back into an outcome of the
 *         runner's batch: its times on rank 0's clock, its message as rank 0's own text. Every
 *         wait is bounded: past it, the job is aborted with one line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mpi_exec.h"

#define COMM_GRACE_NS  (60 * 1000000000LL) /* a rank may lag this much behind rank 0 ... */
#define COMM_BYTES_NS  20                  /* ... plus 20 ns a byte moved (50 MB/s) */
#define COMPUTE_FACTOR 10 /* ... plus ten times rank 0's own share, for the slowest share */

int mpi_share_resize(struct mpi_exec *m, long n)
{
    if (n == m->n && m->first) return 0;
    free(m->out);
    free(m->wire);
    free(m->due);
    m->n = n;
    size_t cap = (size_t)(n > 0 ? n : 1);
    m->out = calloc(cap, sizeof *m->out);
    m->wire = calloc(cap, sizeof *m->wire);
    m->due = calloc(cap, sizeof *m->due);
    if (!m->first) m->first = calloc((size_t)m->size + 1, sizeof *m->first);
    if (!m->first_row) m->first_row = calloc((size_t)m->size + 1, sizeof *m->first_row);
    if (!m->out || !m->wire || !m->due || !m->first || !m->first_row) return -ENOMEM;
    for (int r = 0; r <= m->size; r++) {
        m->first[r] = (long)((int64_t)n * r / m->size);
        m->first_row[r] = m->has_dist ? m->dist.row0(m->wstate, m->first[r]) : 0;
    }
    return 0;
}

static _Noreturn void lost(const struct mpi_exec *m, const char *what, int rc, double waited_s)
{
    fprintf(stderr,
            "cvpbench: mpi: rank %d: %s %s after %.1f s (a rank died or hangs): ending the job\n",
            m->rank, what, rc == -ETIMEDOUT ? "timed out" : "failed", waited_s);
    comm_abort(1);
}

/* The inputs: broadcast and scattered buffers, then the arrival times. */
static void data_in(struct mpi_exec *m, const struct mpi_cmd *cmd, int64_t dl, double *moved)
{
    if (!m->mpi) return; /* a singleton: nothing to move */
    for (int k = 0; m->has_dist && k < m->dist.nbufs; k++) {
        const struct dist_buf *d = &m->dist.buf[k];
        int rc = 0;
        if (d->kind == DIST_BCAST) {
            rc = comm_bcast(d->base, d->bytes, dl);
            *moved += (double)d->bytes * (m->size - 1);
        } else if (d->kind == DIST_SCATTER) {
            rc = comm_scatter_rows(d->base, d->row_bytes, m->first_row, dl);
            *moved += (double)(m->first_row[m->size] - m->first_row[1]) * (double)d->row_bytes;
        }
        if (rc) lost(m, "sending the inputs", rc, 0);
    }
    if (cmd->has_due && m->size > 1) {
        int rc = comm_scatter_rows(m->due, sizeof *m->due, m->first, dl);
        if (rc) lost(m, "sending the arrival times", rc, 0);
    }
}

/* Records the text of a message in this rank's tail; its wire number, or 0. */
static uint8_t msg_id(struct wire_tail *t, const char *msg, int *nmsgs)
{
    if (!msg) return 0;
    for (int k = 0; k < *nmsgs; k++)
        if (strncmp(t->msgs[k], msg, WIRE_MSG_LEN - 1) == 0) return (uint8_t)(k + 1);
    if (*nmsgs == WIRE_MSGS) return WIRE_MSGS; /* the last one stands for the rest */
    snprintf(t->msgs[*nmsgs], WIRE_MSG_LEN, "%s", msg);
    return (uint8_t)(++*nmsgs);
}

/* Rank 0's copy of a message another rank sent: interned, kept until destroy. */
static const char *intern(struct mpi_exec *m, int rank, const char *text)
{
    char buf[WIRE_MSG_LEN + 16];
    snprintf(buf, sizeof buf, "%s (rank %d)", text, rank);
    size_t len = strlen(buf) + 1;
    for (size_t at = 0; at < m->pool_used; at += strlen(m->pool + at) + 1)
        if (strcmp(m->pool + at, buf) == 0) return m->pool + at;
    if (m->pool_used + len > m->pool_cap) {
        size_t cap = m->pool_cap ? 2 * m->pool_cap : 4096;
        if (cap < m->pool_used + len || m->pool) /* a moving pool would leave pointers behind */
            return "error on another rank (more messages than rank 0 keeps)";
        if (!(m->pool = malloc(cap))) return "error on another rank";
        m->pool_cap = cap;
    }
    memcpy(m->pool + m->pool_used, buf, len);
    m->pool_used += len;
    return m->pool + m->pool_used - len;
}

/* Rank 0: the outcomes of rank r, back on its own clock. */
static void unpack(struct mpi_exec *m, struct batch *b, int r, const struct wire_outcome *w)
{
    const struct wire_tail *t = &m->tails[r];
    for (long i = m->first[r]; i < m->first[r + 1]; i++, w++) {
        struct outcome *o = &b->out[i];
        o->start_ns = w->start_rel ? b->t0_ns + w->start_rel : 0;
        o->end_ns = w->start_rel || w->end_rel ? b->t0_ns + w->end_rel : 0;
        o->bytes = w->bytes;
        o->status = w->status;
        o->cls = w->cls;
        o->worker = w->worker;
        o->flags = w->flags;
        o->msg = w->msg ? intern(m, r, t->msgs[w->msg - 1]) : NULL;
    }
}

/* Outputs and outcomes to rank 0. */
static void data_out(struct mpi_exec *m, struct batch *b, int64_t dl, double *moved)
{
    if (!m->mpi) return;
    for (int k = 0; m->has_dist && k < m->dist.nbufs; k++) {
        const struct dist_buf *d = &m->dist.buf[k];
        if (d->kind != DIST_GATHER) continue;
        int rc = comm_gather_rows(d->base, d->row_bytes, m->first_row, dl);
        if (rc) lost(m, "gathering the outputs", rc, 0);
        *moved += (double)(m->first_row[m->size] - m->first_row[1]) * (double)d->row_bytes;
    }
    if (m->size == 1) return;
    size_t *bytes = NULL;
    if (m->rank == 0) {
        bytes = calloc((size_t)m->size, sizeof *bytes);
        if (!bytes) lost(m, "out of memory for the outcomes", -ENOMEM, 0);
        for (int r = 1; r < m->size; r++)
            bytes[r] = (size_t)(m->first[r + 1] - m->first[r]) * sizeof *m->wire;
    }
    long mine = m->first[m->rank + 1] - m->first[m->rank];
    int rc = comm_gatherv(m->wire, m->rank == 0 ? 0 : (size_t)mine * sizeof *m->wire, m->wire,
                          bytes, dl);
    if (rc) lost(m, "gathering the outcomes", rc, 0);
    for (int r = 0; bytes && r < m->size; r++)
        bytes[r] = sizeof *m->tails;
    rc = comm_gatherv(m->tails, sizeof *m->tails, m->tails, bytes, dl);
    if (rc) lost(m, "gathering the ranks' figures", rc, 0);
    *moved += (double)(m->n - mine) * sizeof *m->wire + (double)(m->size - 1) * sizeof *m->tails;
    free(bytes);
}

void mpi_share_run(struct mpi_exec *m, const struct mpi_cmd *cmd, struct batch *b)
{
    int64_t t_in = now_ns();
    double moved = 0, data_bytes = 0;
    for (int k = 0; m->has_dist && k < m->dist.nbufs; k++)
        data_bytes += m->dist.buf[k].kind == DIST_BCAST
                          ? (double)m->dist.buf[k].bytes
                          : (double)m->first_row[m->size] * (double)m->dist.buf[k].row_bytes;
    int64_t budget = COMM_GRACE_NS + (int64_t)(data_bytes * COMM_BYTES_NS);
    if (b && b->due_ns) memcpy(m->due, b->due_ns, (size_t)m->n * sizeof *m->due);
    data_in(m, cmd, m->rank == 0 ? t_in + budget : 0, &moved);

    /* This rank's share, as a batch of its own. */
    long t0 = m->first[m->rank], mine = m->first[m->rank + 1] - t0;
    struct outcome *out = b ? b->out + t0 : m->out;
    if (!b)
        for (long i = 0; i < mine; i++)
            out[i] = (struct outcome){.cls = OUT_NOT_RUN};
    struct batch ib;
    batch_init(&ib, out, mine);
    ib.due_ns = cmd->has_due ? m->due + t0 : NULL;
    ib.fail_fast = cmd->fail_fast;
    ib.fail_task = cmd->fail_task >= t0 && cmd->fail_task < t0 + mine ? cmd->fail_task - t0 : -1;
    if (!b && !m->has_dist && m->w->reset) m->w->reset(m->wstate); /* rank 0's runner did */
    m->shift.off = t0;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    batch_begin(&ib);
    if (b) ib.t0_ns = b->t0_ns; /* rank 0: the runner's start, which the arrivals count from */
    if (cmd->deadline_ns) ib.deadline_ns = ib.t0_ns + cmd->deadline_ns;
    int64_t t_run = now_ns();
    if (mine > 0) m->inner->run(m->inner_ex, &ib);
    int64_t t_ran = now_ns();
    getrusage(RUSAGE_SELF, &r1);
    struct wire_tail *t = &m->tails[0];
    if (m->rank != 0) {
        memset(t, 0, sizeof *t);
        int nmsgs = 0;
        for (long i = 0; i < mine; i++) {
            const struct outcome *o = &out[i];
            m->wire[i] = (struct wire_outcome){
                .start_rel = o->start_ns ? o->start_ns - ib.t0_ns : 0,
                .end_rel = o->end_ns ? o->end_ns - ib.t0_ns : 0,
                .bytes = o->bytes,
                .status = o->status,
                .cls = o->cls,
                .worker = (uint8_t)(o->worker + m->rank * m->threads_per_rank),
                .flags = o->flags,
                .msg = msg_id(t, o->cls == OUT_OK ? NULL : o->msg, &nmsgs),
            };
        }
        t->cpu = cpu_use_between(&r0, &r1);
        t->stop_reason = atomic_load(&ib.reason);
        t->stop_rel = atomic_load(&ib.stop_ns) ? atomic_load(&ib.stop_ns) - ib.t0_ns : 0;
    }
    t->compute_s = (double)(t_ran - t_run) / 1e9;
    int64_t dl = m->rank == 0 ? now_ns() + budget + COMPUTE_FACTOR * (t_ran - t_run) : 0;
    data_out(m, b, dl, &moved);
    if (!b) return;

    /* Rank 0: everyone's outcomes and figures into the runner's batch. */
    b->children = (struct cpu_use){0};
    m->compute_s = m->compute_max_s = t->compute_s;
    const struct wire_outcome *w = m->wire;
    for (int r = 1; r < m->size; r++) {
        unpack(m, b, r, w);
        w += m->first[r + 1] - m->first[r];
        const struct wire_tail *rt = &m->tails[r];
        m->compute_max_s = fmax(m->compute_max_s, rt->compute_s);
        cpu_use_add(&b->children, &rt->cpu);
    }
    /* The batch stopped when its first share did (each rank stops its own share). */
    int64_t stop_ns = atomic_load(&ib.stop_ns);
    int reason = atomic_load(&ib.reason);
    for (int r = 1; r < m->size; r++) {
        const struct wire_tail *rt = &m->tails[r];
        if (rt->stop_reason != STOP_NONE && (!stop_ns || b->t0_ns + rt->stop_rel < stop_ns)) {
            stop_ns = b->t0_ns + rt->stop_rel;
            reason = rt->stop_reason;
        }
    }
    atomic_store(&b->stop_ns, stop_ns);
    atomic_store(&b->reason, reason);
    atomic_store(&b->stop, reason != STOP_NONE);
    m->moved_bytes = moved;
    m->wall_s = (double)(now_ns() - t_in) / 1e9;
}
