/* NAME    mpi_comm.c
 * PURPOSE MPI behind mpi_comm.h: non-blocking collectives polled against deadlines; stubs for
 *         one rank when cvpbench is built without MPI. */
#include "mpi_comm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

int comm_launched(void)
{
    /* Open MPI, PMIx and MPICH's Hydra each tell their processes the job's size. */
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE");
}

#ifdef CVP_HAVE_MPI
#include <mpi.h>

static int inited;

int comm_available(void)
{
    return 1;
}

int comm_init(char *err, size_t errlen)
{
    if (inited) return 0;
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        snprintf(err, errlen, "mpi: MPI_Init_thread failed");
        return -1;
    }
    /* Errors come back as codes (each call is checked), not as an abort deep inside. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    inited = 1;
    return 0;
}

void comm_finalize(void)
{
    if (inited) MPI_Finalize();
    inited = 0;
}

int comm_rank(void)
{
    int r = 0;
    if (inited) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int comm_size(void)
{
    int n = 1;
    if (inited) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int comm_local_size(void)
{
    if (!inited) return 1;
    MPI_Comm local;
    int n = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local) ==
        MPI_SUCCESS) {
        MPI_Comm_size(local, &n);
        MPI_Comm_free(&local);
    }
    return n;
}

void comm_name(char *buf, size_t len)
{
    char name[MPI_MAX_PROCESSOR_NAME];
    int n = 0;
    if (!inited || MPI_Get_processor_name(name, &n) != MPI_SUCCESS) gethostname(name, sizeof name);
    name[sizeof name - 1] = '\0';
    snprintf(buf, len, "%s", name);
}

/* Completes a request: spins for the first millisecond (a transfer needs MPI's progress
 * engine called often), then sleeps 20 us between tests. */
static int finish(MPI_Request *rq, int64_t deadline_ns)
{
    int64_t spin_until = now_ns() + 1000000;
    for (;;) {
        int done = 0;
        if (MPI_Test(rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return -EIO;
        if (done) return 0;
        int64_t t = now_ns();
        if (deadline_ns && t >= deadline_ns) return -ETIMEDOUT;
        if (t >= spin_until) sleep_ns(20000);
    }
}

int comm_bcast(void *buf, size_t bytes, int64_t deadline_ns)
{
    for (size_t off = 0; off < bytes;) {
        size_t chunk = bytes - off < (1u << 30) ? bytes - off : (1u << 30);
        MPI_Request rq;
        if (MPI_Ibcast((char *)buf + off, (int)chunk, MPI_BYTE, 0, MPI_COMM_WORLD, &rq) !=
            MPI_SUCCESS)
            return -EIO;
        int rc = finish(&rq, deadline_ns);
        if (rc) return rc;
        off += chunk;
    }
    return 0;
}

static int rows_op(void *base, size_t row_bytes, const long *first, int64_t deadline_ns, int gather)
{
    int size = comm_size(), me = comm_rank();
    if (row_bytes > INT_MAX) return -EOVERFLOW;
    int *counts = malloc((size_t)size * sizeof *counts),
        *displs = malloc((size_t)size * sizeof *displs);
    if (!counts || !displs) {
        free(counts);
        free(displs);
        return -ENOMEM;
    }
    for (int r = 0; r < size; r++) {
        counts[r] = (int)(first[r + 1] - first[r]);
        displs[r] = (int)first[r];
    }
    MPI_Datatype row;
    MPI_Type_contiguous((int)row_bytes, MPI_BYTE, &row);
    MPI_Type_commit(&row);
    char *mine = (char *)base + (size_t)first[me] * row_bytes;
    MPI_Request rq;
    int rc;
    /* Rank 0's own rows are already in place. */
    if (gather)
        rc = MPI_Igatherv(me == 0 ? MPI_IN_PLACE : mine, counts[me], row, base, counts, displs, row,
                          0, MPI_COMM_WORLD, &rq);
    else
        rc = MPI_Iscatterv(base, counts, displs, row, me == 0 ? MPI_IN_PLACE : mine, counts[me],
                           row, 0, MPI_COMM_WORLD, &rq);
    rc = rc == MPI_SUCCESS ? finish(&rq, deadline_ns) : -EIO;
    MPI_Type_free(&row);
    free(counts);
    free(displs);
    return rc;
}

int comm_scatter_rows(void *base, size_t row_bytes, const long *first, int64_t deadline_ns)
{
    return rows_op(base, row_bytes, first, deadline_ns, 0);
}

int comm_gather_rows(void *base, size_t row_bytes, const long *first, int64_t deadline_ns)
{
    return rows_op(base, row_bytes, first, deadline_ns, 1);
}

int comm_gatherv(const void *mine, size_t mine_bytes, void *all, const size_t *bytes,
                 int64_t deadline_ns)
{
    int size = comm_size(), me = comm_rank();
    int *counts = NULL, *displs = NULL;
    if (me == 0) {
        counts = malloc((size_t)size * sizeof *counts);
        displs = malloc((size_t)size * sizeof *displs);
        if (!counts || !displs) {
            free(counts);
            free(displs);
            return -ENOMEM;
        }
        size_t off = 0;
        for (int r = 0; r < size; r++) {
            if (bytes[r] > INT_MAX || off > INT_MAX) {
                free(counts);
                free(displs);
                return -EOVERFLOW;
            }
            counts[r] = (int)bytes[r];
            displs[r] = (int)off;
            off += bytes[r];
        }
    }
    if (mine_bytes > INT_MAX) return -EOVERFLOW;
    MPI_Request rq;
    /* Rank 0's own part is already in place at the front of all. */
    int rc = MPI_Igatherv(me == 0 && mine == all ? MPI_IN_PLACE : mine, (int)mine_bytes, MPI_BYTE,
                          all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD, &rq);
    rc = rc == MPI_SUCCESS ? finish(&rq, deadline_ns) : -EIO;
    free(counts);
    free(displs);
    return rc;
}

int comm_allmax(int v, int64_t deadline_ns, int *out)
{
    MPI_Request rq;
    if (MPI_Iallreduce(&v, out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &rq) != MPI_SUCCESS)
        return -EIO;
    return finish(&rq, deadline_ns);
}

int comm_wait_bcast(void *buf, size_t bytes)
{
    MPI_Request rq;
    if (MPI_Ibcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD, &rq) != MPI_SUCCESS) return -EIO;
    int64_t pause = 5000;
    for (;;) {
        int done = 0;
        if (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return -EIO;
        if (done) return 0;
        sleep_ns(pause);
        if (pause < 200000) pause *= 2; /* at most 0.2 ms late for a batch */
    }
}

double comm_bandwidth(int64_t deadline_ns)
{
    int size = comm_size(), me = comm_rank();
    if (size < 2) return 0;
    size_t bytes = 16u << 20;
    char *buf = me <= 1 ? malloc(bytes) : NULL;
    if (me <= 1 && buf) memset(buf, 1, bytes);
    double best = 0;
    for (int k = 0; k < 4 && (me > 1 || buf); k++) {
        MPI_Request rq;
        int64_t t0 = now_ns();
        if (me == 0) {
            MPI_Isend(buf, (int)bytes, MPI_BYTE, 1, 7, MPI_COMM_WORLD, &rq);
            if (finish(&rq, deadline_ns)) break;
            MPI_Irecv(buf, (int)bytes, MPI_BYTE, 1, 7, MPI_COMM_WORLD, &rq);
            if (finish(&rq, deadline_ns)) break;
            double bps = 2.0 * (double)bytes / ((double)(now_ns() - t0) / 1e9);
            if (bps > best) best = bps;
        } else if (me == 1) {
            MPI_Irecv(buf, (int)bytes, MPI_BYTE, 0, 7, MPI_COMM_WORLD, &rq);
            if (finish(&rq, deadline_ns)) break;
            MPI_Isend(buf, (int)bytes, MPI_BYTE, 0, 7, MPI_COMM_WORLD, &rq);
            if (finish(&rq, deadline_ns)) break;
        }
    }
    free(buf);
    /* Every rank learns rank 0's figure (and none goes on before the test is over). */
    MPI_Request rq;
    MPI_Ibcast(&best, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD, &rq);
    finish(&rq, deadline_ns);
    return best;
}

_Noreturn void comm_abort(int code)
{
    MPI_Abort(MPI_COMM_WORLD, code);
    _exit(code);
}

#else /* built without MPI: one rank, nothing to move */

int comm_available(void)
{
    return 0;
}
int comm_init(char *err, size_t errlen)
{
    snprintf(err, errlen,
             "not measured: cvpbench was built without MPI (install libopenmpi-dev "
             "and openmpi-bin, then rebuild)");
    return -1;
}
void comm_finalize(void) {}
int comm_rank(void)
{
    return 0;
}
int comm_size(void)
{
    return 1;
}
int comm_local_size(void)
{
    return 1;
}
void comm_name(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0) snprintf(buf, len, "localhost");
    buf[len - 1] = '\0';
}
int comm_bcast(void *buf, size_t bytes, int64_t deadline_ns)
{
    return 0;
}
int comm_scatter_rows(void *base, size_t row_bytes, const long *first, int64_t deadline_ns)
{
    return 0;
}
int comm_gather_rows(void *base, size_t row_bytes, const long *first, int64_t deadline_ns)
{
    return 0;
}
int comm_gatherv(const void *mine, size_t mine_bytes, void *all, const size_t *bytes,
                 int64_t deadline_ns)
{
    if (all != mine) memcpy(all, mine, mine_bytes);
    return 0;
}
int comm_allmax(int v, int64_t deadline_ns, int *out)
{
    *out = v;
    return 0;
}
int comm_wait_bcast(void *buf, size_t bytes)
{
    return -EIO;
}
double comm_bandwidth(int64_t deadline_ns)
{
    return 0;
}
_Noreturn void comm_abort(int code)
{
    _exit(code);
}
#endif
