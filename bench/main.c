/* NAME    main.c
 * PURPOSE cvpbench: one run of a workload under one or more executors, reported per sample.
 * USAGE   cvpbench -w WORKLOAD -e EXECUTOR[,EXECUTOR...] [options]; see --help.
 *         cvpbench calibrate [--format text|json] [--quick]: this machine's costs.
 *         cvpbench advise --latency-ms 30 --work-us 200 --tasks 5000: which executor for that mix
 *         (scripts/advise, which needs the models and statistics of the scripts). */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "cli.h"
#include "context.h"
#include "describe.h"
#include "gitrev.h"
#include "report.h"
#include "resources.h"
#include "runner.h"

/* cvpbench advise is scripts/advise, from the source tree this binary was built from: the
 * advice rests on the models and statistics the scripts hold, one copy of each. */
static int advise_exec(int argc, char **argv)
{
    char script[4096], self[4096];
    snprintf(script, sizeof script, "%s/scripts/advise", CVP_SOURCE_DIR);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "cvpbench: advise: cannot find this program's path\n");
        return 1;
    }
    self[n] = '\0';
    char *args[argc + 4];
    int k = 0;
    args[k++] = "python3";
    args[k++] = script;
    for (int i = 2; i < argc; i++)
        args[k++] = argv[i];
    args[k++] = "--cvpbench";
    args[k++] = self;
    args[k] = NULL;
    execvp("python3", args);
    fprintf(stderr, "cvpbench: advise needs python3 and %s: %m\n", script);
    return 1;
}

int main(int argc, char **argv)
{
    /* First, before any thread exists: the migration counter is inherited only by threads
     * created after it (libcurl, OpenMP and the executors all start threads later). */
    usage_open_counters();
    if (argc > 1 && strcmp(argv[1], "calibrate") == 0) return calibrate_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "advise") == 0) return advise_exec(argc, argv);
    struct run_opts o;
    char err[256] = "";
    switch (cli_parse(argc, argv, &o, err, sizeof err)) {
    case CLI_ERROR:
        report_error("%s", err);
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
    if (o.plan_only) {
        describe_plan(stdout, &o);
        return 0;
    }
    /* An executor whose workers are other programs starts them now (mpi --ranks R without
     * mpirun: this process becomes mpirun); it runs alone, so there is at most one. */
    for (int k = 0; k < o.narms; k++)
        if (o.arms[k].e->launch) {
            int rc = o.arms[k].e->launch(&o.arms[k].p, argc, argv);
            if (rc >= 0) return rc;
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
