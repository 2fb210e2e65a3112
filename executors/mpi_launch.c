/* NAME    mpi_launch.c
 * PURPOSE Starts mpirun -np R around this very command line (mpi_launch.h). The ranks it starts
 *         see the launcher's environment and run; this process becomes mpirun, so its exit
 *         status is the job's. Open MPI's own rule stands: as root it starts no rank unless its
 *         two variables say so, and cvpbench does not set them on anyone's behalf. */
#include "mpi_launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "mpi_comm.h"

#ifndef CVP_MPIEXEC
#define CVP_MPIEXEC "mpirun"
#endif

/* The launcher: the one CMake found beside the MPI cvpbench was built with, else mpirun on
 * PATH; NULL when neither can be run. */
static const char *launcher(void)
{
    if (access(CVP_MPIEXEC, X_OK) == 0) return CVP_MPIEXEC;
    const char *path = getenv("PATH");
    static char found[4096];
    for (const char *p = path; p && *p;) {
        size_t n = strcspn(p, ":");
        snprintf(found, sizeof found, "%.*s/mpirun", (int)n, p);
        if (n && access(found, X_OK) == 0) return found;
        p += n + (p[n] == ':');
    }
    return NULL;
}

int mpi_launch(const struct params *p, int argc, char **argv)
{
    if (p->ranks <= 1 || comm_launched()) return -1;
    if (!comm_available()) {
        fprintf(stderr, "cvpbench: not measured: cvpbench was built without MPI (install "
                        "libopenmpi-dev and openmpi-bin, then rebuild)\n");
        return 1;
    }
    const char *mpirun = launcher();
    if (!mpirun) {
        fprintf(stderr, "cvpbench: not measured: mpirun not found (install openmpi-bin)\n");
        return 1;
    }
    if (geteuid() == 0 &&
        !(getenv("OMPI_ALLOW_RUN_AS_ROOT") && getenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"))) {
        fprintf(stderr, "cvpbench: not measured: mpirun starts no rank as root unless "
                        "OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 are set\n");
        return 1;
    }
    char np[32], self[4096];
    snprintf(np, sizeof np, "%ld", p->ranks);
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "cvpbench: mpi: cannot find this program's path\n");
        return 1;
    }
    self[len] = '\0';
    /* One core per rank by default (Open MPI binds each to a core); a rank with several
     * threads needs room for them, so it is not bound. */
    const struct executor *inner = p->inner ? executor_find(p->inner) : NULL;
    int threads = p->threads > 1 || (inner && inner->computes != WIDTH_ONE);
    char *args[argc + 8];
    int k = 0;
    args[k++] = (char *)mpirun;
    args[k++] = "-np";
    args[k++] = np;
    args[k++] = "--oversubscribe"; /* more ranks than cores is the user's call, as with threads */
    if (threads) {
        args[k++] = "--bind-to";
        args[k++] = "none";
    }
    args[k++] = self;
    for (int i = 1; i < argc; i++)
        args[k++] = argv[i];
    args[k] = NULL;
    fflush(NULL);
    execv(mpirun, args);
    fprintf(stderr, "cvpbench: not measured: cannot start %s: %m\n", mpirun);
    return 1;
}
