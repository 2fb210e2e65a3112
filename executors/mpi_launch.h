/* NAME    mpi_launch.h
 * PURPOSE `cvpbench -e mpi --ranks R` without mpirun around it: cvpbench starts the job itself,
 *         mpirun -np R with the same command line, so a suite or a user needs no launcher of
 *         their own. */
#ifndef CVP_MPI_LAUNCH_H
#define CVP_MPI_LAUNCH_H

#include "runner.h"

/* When an arm is mpi with --ranks above 1 and no launcher started this process: replaces the
 * process with mpirun (never returns), or prints why it cannot ("cvpbench: not measured: ...")
 * and returns 1. Otherwise returns 0 and the run goes on here. */
int mpi_launch_if_asked(const struct run_opts *o, int argc, char **argv);

#endif
