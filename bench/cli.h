/* NAME    cli.h
 * PURPOSE Parses cvpbench's command line into run options; every bad input is one line, exit 2. */
#ifndef CVP_CLI_H
#define CVP_CLI_H

#include <stdio.h>

#include "runopts.h"

enum cli_action { CLI_RUN, CLI_LIST, CLI_HELP, CLI_VERSION, CLI_ERROR };

/* An option that shapes the run rather than the work (--reps, --format, ...). */
struct run_opt {
    const char *name; /* long option */
    int short_opt;    /* 'w', or 0 */
    const char *arg;  /* the value's name in --help, or NULL for none */
    const char *help; /* one line */
    /* How the batch runs (--fail-fast, --rate, ...), not how it is repeated or reported: part
     * of a suite's point like a workload parameter. Its value's type for --list ("flag", "int",
     * "number", "duration" in ms, "text" with choices), or NULL for the other options. */
    const char *batch_type;
    const char *choices; /* "a|b" for a batch option of type text */
};
extern const struct run_opt run_opts_table[]; /* ends with a NULL name */

/* Fills o; on CLI_ERROR, err holds one line naming the problem. */
enum cli_action cli_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);

#endif
