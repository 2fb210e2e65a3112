/* NAME    calibrate.h
 * PURPOSE `cvpbench calibrate`: measures, in a few seconds, the costs this machine's models need
 *         (FMA peak per core and across usable cores, thread start, wake-up, loopback connect,
 *         timer lateness, each executor's dispatch cost per task) and the machine facts they are
 *         relative to, so that verdicts rest on this machine rather than on constants. */
#ifndef CVP_CALIBRATE_H
#define CVP_CALIBRATE_H

/* argv[0] is "calibrate". Prints one JSON object or one line per figure; returns the exit
 * status: 0, or 2 for a bad command line. A figure that cannot be measured is null with a
 * reason, never a failure. */
int calibrate_main(int argc, char **argv);

#endif
