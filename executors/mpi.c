/* NAME    mpi.c
 * PURPOSE MPI+X: the tasks spread over the ranks of an MPI job (mpirun -np R, on one host or
 *         many), each rank running its contiguous share with an inner executor (--inner:
 *         sequential, thread-pool, openmp or event-loop; --threads per rank). Rank 0 owns the
 *         task list, the runner, the report and the JSON; the outcomes come back to it, exactly
 *         one per task; a workload's data moves as its dist description says (matmul: B
 *         broadcast, row blocks of A scattered and of C gathered, validated at rank 0), timed
 *         apart from compute. Every other rank serves batches from inside create() until rank 0
 *         destroys the executor, then ends its process there: a rank is the run.
 *
 *         Without a launcher (no mpirun around it) the executor is one rank and makes no MPI
 *         call; --ranks R > 1 then has cvpbench start mpirun itself (mpi_launch.c). Batches
 *         stop per rank: a deadline counts from each rank's start, --fail-fast stops the rank
 *         that saw the failure (the others finish their share). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity.h"
#include "mpi_exec.h"
#include "mpi_launch.h"

#define SETUP_TIMEOUT_NS (120 * 1000000000LL) /* set-up on every rank, then the handshake */

static void free_all(struct mpi_exec *m)
{
    free(m->first);
    free(m->first_row);
    free(m->out);
    free(m->wire);
    free(m->tails);
    free(m->due);
    free(m->hosts);
    free(m->pool);
    free(m);
}

/* The inner executor's parameters: the run's, with --threads per rank defaulting to this
 * host's usable cores shared among its ranks (never oversubscribed by default). */
static struct params inner_params(const struct params *p, int local_ranks)
{
    struct params ip = *p;
    if (!(p->set & (PM(P_THREADS) | PM(P_CONCURRENCY)))) {
        char err[128];
        long cores = affinity_default_threads(p, "mpi", err, sizeof err);
        ip.threads = cores / local_ranks > 0 ? cores / local_ranks : 1;
        ip.set |= PM(P_THREADS);
    }
    return ip;
}

/* Every other rank's life: batches until rank 0 says quit, then the end of this process. */
static _Noreturn void serve(struct mpi_exec *m)
{
    for (;;) {
        struct mpi_cmd cmd;
        if (comm_wait_bcast(&cmd, sizeof cmd) != 0 || cmd.op != CMD_RUN) break;
        if (mpi_share_resize(m, (long)cmd.n) != 0) {
            fprintf(stderr, "cvpbench: mpi: rank %d: out of memory for %ld tasks\n", m->rank,
                    (long)cmd.n);
            comm_abort(1);
        }
        mpi_share_run(m, &cmd, NULL);
    }
    m->inner->destroy(m->inner_ex);
    m->w->teardown(m->wstate);
    free_all(m);
    comm_finalize();
    exit(0); /* atexit work (temporary folders) runs: this rank made its own */
}

static int mpi_create(const struct workload *w, void *wstate, const struct params *p, void **ex,
                      struct exec_info *info, char *err, size_t errlen)
{
    int launched = comm_launched();
    if (launched && comm_init(err, errlen) != 0) return -EIO;
    struct mpi_exec *m = calloc(1, sizeof *m);
    if (!m) return -ENOMEM;
    m->w = w;
    m->wstate = wstate;
    m->mpi = launched;
    m->rank = comm_rank();
    m->size = comm_size();
    int rc = 0;
    if (p->ranks && p->ranks != m->size) {
        snprintf(err, errlen, "mpi: --ranks %ld, but %s %d rank%s", p->ranks,
                 launched ? "the launcher started" : "this process is", m->size,
                 m->size == 1 ? "" : "s");
        rc = -EINVAL;
    }
    const struct executor *inner = executor_find(p->inner ? p->inner : "sequential");
    if (!rc && (!inner || inner->forks || inner->alone)) {
        snprintf(err, errlen, "mpi: --inner %s is not an executor a rank can run", p->inner);
        rc = -EINVAL;
    }
    if (!rc && w->dist) {
        w->dist(wstate, &m->dist);
        m->has_dist = 1;
        /* On other ranks the inputs are poisoned: only data that really moved can validate. */
        for (int k = 0; m->rank != 0 && k < m->dist.nbufs; k++)
            if (m->dist.buf[k].kind == DIST_BCAST)
                memset(m->dist.buf[k].base, 0xff, m->dist.buf[k].bytes);
            else if (m->dist.buf[k].kind == DIST_SCATTER)
                memset(m->dist.buf[k].base, 0xff,
                       (size_t)m->dist.row0(wstate, w->ntasks(wstate)) * m->dist.buf[k].row_bytes);
    }
    m->tails = calloc(m->rank == 0 ? (size_t)m->size : 1, sizeof *m->tails);
    m->hosts = calloc((size_t)m->size, sizeof *m->hosts);
    if (!rc && (!m->tails || !m->hosts || mpi_share_resize(m, w->ntasks(wstate)) != 0)) {
        snprintf(err, errlen, "mpi: out of memory");
        rc = -ENOMEM;
    }
    struct params ip = inner_params(p, comm_local_size());
    if (!rc) {
        shift_view(&m->view, &m->shift, w, wstate);
        rc = inner->create(&m->view, &m->shift, &ip, &m->inner_ex, &m->inner_info, err, errlen);
        if (!rc) m->inner = inner; /* created: destroy is due */
    }
    m->threads_per_rank = m->inner_info.threads > 0 ? m->inner_info.threads : 1;
    if (launched) {
        /* Every rank set up, or none goes on: the worst status decides for all. */
        int64_t dl = now_ns() + SETUP_TIMEOUT_NS;
        int worst = 0, mine = rc == -EINVAL ? 2 : rc ? 1 : 0;
        char name[COMM_NAME_MAX] = "";
        comm_name(name, sizeof name);
        size_t *sizes = calloc((size_t)m->size, sizeof *sizes);
        for (int r = 0; sizes && r < m->size; r++)
            sizes[r] = COMM_NAME_MAX;
        if (comm_allmax(mine, dl, &worst) != 0 ||
            comm_gatherv(name, COMM_NAME_MAX, m->hosts, sizes, dl) != 0) {
            fprintf(stderr, "cvpbench: mpi: rank %d: the ranks did not all start in time\n",
                    m->rank);
            comm_abort(1);
        }
        free(sizes);
        if (worst && !rc) {
            snprintf(err, errlen, "mpi: another rank could not set up (see its message)");
            rc = worst == 2 ? -EINVAL : -EIO;
        }
        if (!rc) m->bandwidth_bps = comm_bandwidth(dl);
    } else {
        comm_name(m->hosts[0], COMM_NAME_MAX);
    }
    if (rc) {
        if (m->inner) m->inner->destroy(m->inner_ex);
        free_all(m);
        if (launched) {
            if (comm_rank() != 0) { /* rank 0 says why; the others end quietly */
                w->teardown(wstate);
                comm_finalize();
                exit(rc == -EINVAL ? 2 : 1);
            }
            comm_finalize();
        }
        return rc;
    }
    if (m->rank != 0) serve(m);
    long r = m->size;
    info->threads = m->inner_info.threads * r;
    info->concurrency = m->inner_info.concurrency ? m->inner_info.concurrency * r : 0;
    info->cpu_threads = m->inner_info.cpu_threads * r;
    info->on_loop = m->inner_info.on_loop;
    info->pinned = m->inner_info.pinned;
    info->procs = r;
    *ex = m;
    return 0;
}

static void mpi_run(void *ex, struct batch *b)
{
    struct mpi_exec *m = ex;
    if (mpi_share_resize(m, b->n) != 0) {
        for (long i = 0; i < b->n; i++)
            outcome_fail(&b->out[i], OUT_OTHER, "mpi: out of memory");
        return;
    }
    struct mpi_cmd cmd = {
        .op = CMD_RUN,
        .fail_fast = b->fail_fast,
        .n = b->n,
        .deadline_ns = b->deadline_ns ? b->deadline_ns - b->t0_ns : 0,
        .fail_task = b->fail_task,
        .has_due = b->due_ns != NULL,
    };
    if (m->mpi && comm_bcast(&cmd, sizeof cmd, now_ns() + SETUP_TIMEOUT_NS) != 0) {
        fprintf(stderr, "cvpbench: mpi: the other ranks did not take the batch: ending the job\n");
        comm_abort(1);
    }
    mpi_share_run(m, &cmd, b);
}

static void mpi_destroy(void *ex)
{
    struct mpi_exec *m = ex;
    if (m->mpi) {
        struct mpi_cmd quit = {.op = CMD_QUIT};
        comm_bcast(&quit, sizeof quit, now_ns() + SETUP_TIMEOUT_NS);
    }
    m->inner->destroy(m->inner_ex);
    int mpi = m->mpi;
    free_all(m);
    if (mpi) comm_finalize();
}

static void mpi_report(void *ex, struct jw *j)
{
    struct mpi_exec *m = ex;
    jw_int(j, "ranks", m->size);
    jw_arr_begin(j, "hosts");
    for (int r = 0; r < m->size; r++)
        jw_str(j, NULL, m->hosts[r]);
    jw_arr_end(j);
    jw_str(j, "inner", m->inner->name);
    jw_int(j, "threads_per_rank", m->inner_info.threads);
    jw_bool(j, "mpi", m->mpi);
    jw_num(j, "bandwidth_gbs", m->bandwidth_bps / 1e9);
    /* The last batch: compute is the slowest rank's share; the rest of the wall is moving data
     * and waiting for it. */
    jw_num(j, "compute_s", m->compute_max_s);
    jw_num(j, "rank0_compute_s", m->compute_s);
    jw_num(j, "comm_s", m->wall_s > m->compute_max_s ? m->wall_s - m->compute_max_s : 0);
    jw_num(j, "moved_bytes", m->moved_bytes);
}

/* What a job launched from here (mpi_launch.c) starts beyond its ranks' workers, as measured on
 * Open MPI 4.1 here: each rank's own progress and event threads and private memory, and mpirun. */
#define MPI_RANK_THREADS 2
#define MPI_RANK_BYTES   (4.0 * (1 << 20))
#define MPIRUN_THREADS   4
#define MPIRUN_BYTES     (16.0 * (1 << 20))

/* R ranks (--ranks, or the job that started this process), each running its share of the batch
 * on its inner executor with inner_params' threads. */
static void mpi_plan(const struct params *p, long n, struct exec_plan *pl)
{
    int launched = comm_launched();
    long r = launched ? comm_size() : (p->ranks > 1 ? p->ranks : 1);
    const struct executor *inner = executor_find(p->inner ? p->inner : "sequential");
    struct params ip = inner_params(p, launched ? comm_local_size() : (int)r);
    struct exec_plan in = {0};
    if (inner && inner->plan) inner->plan(&ip, (n + r - 1) / r, &in);
    *pl = (struct exec_plan){.procs = r,
                             .threads = r * in.threads,
                             .in_flight = r * (in.in_flight > 0 ? in.in_flight : 1),
                             .computes = r * (in.computes > 0 ? in.computes : 1)};
    if (r > 1 && !launched) {
        pl->extra_tasks = r * MPI_RANK_THREADS + MPIRUN_THREADS;
        pl->extra_bytes = (double)r * MPI_RANK_BYTES + MPIRUN_BYTES;
    }
}

const struct executor executor_mpi = {
    .name = "mpi",
    .summary = "MPI ranks (mpirun -np R, or --ranks R), each running its share with --inner "
               "(sequential, thread-pool, openmp, event-loop); data and outcomes to rank 0",
    .params = PM(P_THREADS) | PM(P_CONCURRENCY) | PM(P_PIN) | PM(P_RANKS) | PM(P_INNER),
    .waits = WIDTH_RANKS,
    .computes = WIDTH_RANKS,
    .overlap = OVERLAP_WORKERS,
    .alone = 1,
    .plan = mpi_plan,
    .launch = mpi_launch,
    .create = mpi_create,
    .run = mpi_run,
    .destroy = mpi_destroy,
    .report = mpi_report,
};
