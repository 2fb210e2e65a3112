/* NAME    cli.h
 * PURPOSE Parses cvpbench's command line into run options; every bad input is one line, exit 2. */
#ifndef CVP_CLI_H
#define CVP_CLI_H

#include <stdio.h>

#include "runner.h"

enum cli_action { CLI_RUN, CLI_LIST, CLI_HELP, CLI_VERSION, CLI_ERROR };

/* Fills o; on CLI_ERROR, err holds one line naming the problem. */
enum cli_action cli_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);
void cli_usage(FILE *f);
void cli_list(FILE *f);

#endif
