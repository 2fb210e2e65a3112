/* NAME    mpi_launch.h
 * PURPOSE `cvpbench -e mpi --ranks R` without mpirun around it: cvpbench starts the job itself,
 *         mpirun -np R with the same command line, so a suite or a user needs no launcher of
 *         their own. */
#ifndef CVP_MPI_LAUNCH_H
#define CVP_MPI_LAUNCH_H

#include "params.h"

/* The mpi executor's launch hook (executor.h): with --ranks above 1 and no launcher around this
 * process, replaces it with mpirun (never returns), or prints why it cannot ("cvpbench: not
 * measured: ...") and returns 1. Otherwise returns -1 and the run goes on here. */
int mpi_launch(const struct params *p, int argc, char **argv);

#endif
