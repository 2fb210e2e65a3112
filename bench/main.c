/* NAME    main.c
 * PURPOSE cvpbench: one run of workload x executor, reported per repetition.
 * USAGE   cvpbench -w WORKLOAD -e EXECUTOR [options]; see --help.
 *         cvpbench calibrate [--format text|json] [--quick]: this machine's costs. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "calibrate.h"
#include "cli.h"
#include "context.h"
#include "describe.h"
#include "gitrev.h"
#include "resources.h"
#include "runner.h"

int main(int argc, char **argv)
{
    /* First, before any thread exists: the migration counter is inherited only by threads
     * created after it (libcurl, OpenMP and the executors all start threads later). */
    usage_open_counters();
    if (argc > 1 && strcmp(argv[1], "calibrate") == 0) return calibrate_main(argc - 1, argv + 1);
    struct run_opts o;
    char err[256] = "";
    switch (cli_parse(argc, argv, &o, err, sizeof err)) {
    case CLI_ERROR:
        fprintf(stderr, "cvpbench: %s\n", err);
        return 2;
    case CLI_HELP:
        describe_usage(stdout);
        return 0;
    case CLI_VERSION:
        printf("cvpbench %s (%s)\n", CVP_VERSION, CVP_GIT_REV);
        return 0;
    case CLI_LIST:
        describe_list(stdout, o.format);
        return 0;
    case CLI_RUN:
        break;
    }
    /* Once, before any thread exists; libcurl's handles then never raise SIGPIPE themselves
     * (CURLOPT_NOSIGNAL), so a write to a closed socket must not kill the run either. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "cvpbench: curl_global_init failed\n");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    fd_limit_raise(0); /* before any thread: ten thousand connections need ten thousand fds */
    struct context ctx;
    context_collect(&ctx, 1);
    int status = runner_run(&o, &ctx);
    curl_global_cleanup();
    return status;
}
