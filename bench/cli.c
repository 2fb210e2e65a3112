/* NAME    cli.c
 * PURPOSE The cvpbench command line: the contract scripts, tests and users rely on. Options come
 *         from two tables, the parameter table (params.c: what workloads and executors read) and
 *         the run options below (how to repeat and report); getopt's table is built from them.
 *         Extend them; never rename or remove an option. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "describe.h"
#include "headroom.h"
#include "outfile.h"

/* Options that shape the run rather than the work. */
enum run_opt_id {
    R_WORKLOAD,
    R_EXECUTOR,
    R_REPS,
    R_WARMUP,
    R_MIN_TIME,
    R_CI,
    R_MAX_ROUNDS,
    R_MAX_TIME,
    R_SEED,
    R_STRICT,
    R_FAIL_FAST,
    R_FAIL_TASK,
    R_DEADLINE,
    R_RATE,
    R_ARRIVALS,
    R_DURATION,
    R_FORMAT,
    R_OUTPUT,
    R_HGRM,
    R_PLAN,
    R_QUIET,
    R_LIST,
    R_HELP,
    R_VERSION,
    R_COUNT
};

const struct run_opt run_opts_table[R_COUNT + 1] = {
    [R_WORKLOAD] = {"workload", 'w', "NAME", "what each task does (see --list)", NULL, NULL},
    [R_EXECUTOR] = {"executor", 'e', "LIST",
                    "how tasks are scheduled (see --list): one executor, or several to compare "
                    "(\"event-loop,thread-pool\", or \"all\"), each with its own settings after "
                    "a colon (\"thread-pool:threads=2:pin\"); may be given more than once",
                    NULL, NULL},
    [R_REPS] = {"reps", 0, "R",
                "rounds: every executor is timed R times, each sample reported (default 1); with "
                "several executors their order is shuffled in every round",
                NULL, NULL},
    [R_WARMUP] = {"warmup", 0, "W", "untimed batches of each executor first (default 0)", NULL,
                  NULL},
    [R_MIN_TIME] = {"min-time-ms", 0, "MS",
                    "repeat the batch within a sample until the sample has lasted MS (its time is "
                    "then per batch), so no figure rests on a too short region (default 0: one "
                    "batch)",
                    NULL, NULL},
    [R_CI] = {"ci", 0, "PCT",
              "add rounds (after --reps, at least 6) until every median's 95% interval is "
              "within +-PCT percent, or --max-rounds or --max-time",
              NULL, NULL},
    [R_MAX_ROUNDS] = {"max-rounds", 0, "N", "with --ci: at most N rounds (default 50)", NULL, NULL},
    [R_MAX_TIME] = {"max-time", 0, "S",
                    "with --ci: stop adding rounds after S seconds of rounds (default 60)", NULL,
                    NULL},
    [R_SEED] = {"seed", 0, "N", "seeds the shuffled order of executors (default 1)", NULL, NULL},
    [R_FAIL_FAST] = {"fail-fast", 0, NULL,
                     "the first failed task stops the batch: tasks not started never start, those "
                     "in flight are cancelled where the executor can (asyncio.gather without "
                     "return_exceptions, a TaskGroup); they end as outcome class cancelled",
                     "flag", NULL},
    [R_FAIL_TASK] = {"fail-task", 0, "I",
                     "task I (from 0) fails at once, before it does anything: the first error "
                     "for --fail-fast, at a known place; that failure alone leaves the run valid",
                     "int", NULL},
    [R_DEADLINE] = {"deadline-ms", 0, "D",
                    "stop the batch D after it began (asyncio.timeout around gather): every task "
                    "unfinished then is cancelled; the run reports how long the executor took to "
                    "stop (a duration: 500, 1.5s, 300us)",
                    "duration", NULL},
    [R_RATE] = {"rate", 0, "R",
                "open loop: tasks arrive at R per second (with --tasks, or --duration), each "
                "timed from when it was due, so time queued behind the cap or busy threads "
                "counts (no coordinated omission)",
                "number", NULL},
    [R_ARRIVALS] = {"arrivals", 0, "A",
                    "with --rate: constant (default) or poisson (seeded by "
                    "--seed)",
                    "text", "constant|poisson"},
    [R_DURATION] = {"duration", 0, "D",
                    "with --rate: arrivals for D (the task count is rate x D); the batch stops "
                    "D/2 after the last arrival unless --deadline-ms says otherwise (2s, 500ms; "
                    "a bare number is ms)",
                    "duration", NULL},
    [R_STRICT] = {"strict", 0, NULL,
                  "a parameter that the workload and an executor do not read is an error (exit "
                  "2); without it, a warning, and the run records it as ignored",
                  NULL, NULL},
    [R_FORMAT] = {"format", 0, "F", "text (default), json (one object per line) or csv", NULL,
                  NULL},
    [R_OUTPUT] = {"output", 0, "FILE",
                  "write there instead of stdout: a file is replaced atomically at the first "
                  "sample and holds every completed one from then on (an interrupted run keeps "
                  "them); a device (/dev/null) or FIFO is written as it is",
                  NULL, NULL},
    [R_HGRM] = {"hgrm", 0, "FILE",
                "also write each executor's latency distribution over all timed rounds (open "
                "loop: response time) as HdrHistogram's .hgrm text, in ms, as wrk2 does: FILE "
                "for one executor, FILE-K-NAME.hgrm for executor K of several",
                NULL, NULL},
    [R_PLAN] = {"plan", 0, NULL,
                "run nothing: print what each executor would start for these parameters "
                "(threads, processes, tasks in flight and computing, memory per task in "
                "flight), as each executor decides it (--format json: for scripts)",
                NULL, NULL},
    [R_QUIET] = {"quiet", 0, NULL, "no progress line on stderr", NULL, NULL},
    [R_LIST] = {"list", 0, NULL,
                "the workloads, executors and parameters (--format json: for "
                "scripts)",
                NULL, NULL},
    [R_HELP] = {"help", 'h', NULL, "this text", NULL, NULL},
    [R_VERSION] = {"version", 0, NULL, "the version and git revision", NULL, NULL},
    [R_COUNT] = {NULL, 0, NULL, NULL, NULL, NULL},
};

/* getopt values: run options at 256 + id, parameters at 512 + id, negations at 768 + id. */
#define VAL_RUN   256
#define VAL_PARAM 512
#define VAL_NEG   768

static struct option long_opts[R_COUNT + 2 * P_COUNT + 1];

static void build_long_opts(void)
{
    int k = 0;
    for (int r = 0; r < R_COUNT; r++) {
        const struct run_opt *ro = &run_opts_table[r];
        long_opts[k++] = (struct option){ro->name, ro->arg ? required_argument : no_argument, NULL,
                                         ro->short_opt ? ro->short_opt : VAL_RUN + r};
    }
    for (int id = 0; id < P_COUNT; id++) {
        const struct param_def *d = &param_table[id];
        long_opts[k++] = (struct option){
            d->name, d->type == PT_FLAG ? no_argument : required_argument, NULL, VAL_PARAM + id};
        if (d->negation)
            long_opts[k++] = (struct option){d->negation, no_argument, NULL, VAL_NEG + id};
    }
    long_opts[k] = (struct option){NULL, 0, NULL, 0};
}

static int run_option(struct run_opts *o, int r, const char *arg, enum cli_action *action,
                      const char **wname, const char **ename, char *err, size_t errlen)
{
    switch (r) {
    case R_WORKLOAD:
        *wname = arg;
        return 0;
    case R_EXECUTOR:
        *ename = arg;
        return arms_parse(arg, o->arms, &o->narms, err, errlen);
    case R_REPS:
        return parse_whole("reps", arg, 1, 100000, &o->reps, err, errlen);
    case R_WARMUP:
        return parse_whole("warmup", arg, 0, 100000, &o->warmup, err, errlen);
    case R_MIN_TIME:
        return parse_whole("min-time-ms", arg, 0, 3600000, &o->min_time_ms, err, errlen);
    case R_MAX_ROUNDS:
        return parse_whole("max-rounds", arg, 1, 100000, &o->max_rounds, err, errlen);
    case R_SEED: {
        long v;
        if (parse_whole("seed", arg, 1, 2147483647, &v, err, errlen)) return -1;
        o->seed = (unsigned long)v;
        return 0;
    }
    case R_CI:
    case R_MAX_TIME: {
        const char *name = r == R_CI ? "ci" : "max-time";
        char *end;
        double v = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(v > 0) || v > 1e6) {
            snprintf(err, errlen, "--%s takes a positive number, not '%s'", name, arg);
            return -1;
        }
        if (r == R_CI)
            o->ci = v / 100;
        else
            o->max_time_s = v;
        return 0;
    }
    case R_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->format = FMT_TEXT;
        else if (strcmp(arg, "json") == 0)
            o->format = FMT_JSON;
        else if (strcmp(arg, "csv") == 0)
            o->format = FMT_CSV;
        else {
            snprintf(err, errlen, "--format must be text, json or csv, not '%s'", arg);
            return -1;
        }
        return 0;
    case R_OUTPUT:
        o->output = arg;
        return 0;
    case R_HGRM:
        o->hgrm = arg;
        return 0;
    case R_PLAN:
        o->plan_only = 1;
        return 0;
    case R_QUIET:
        o->progress = -1;
        return 0;
    case R_STRICT:
        o->strict = 1;
        return 0;
    case R_FAIL_FAST:
        o->fail_fast = 1;
        return 0;
    case R_FAIL_TASK:
        return parse_whole("fail-task", arg, 0, param_def(P_TASKS)->max - 1, &o->fail_task, err,
                           errlen);
    case R_DEADLINE:
    case R_DURATION: {
        long us;
        if (parse_duration(r == R_DEADLINE ? "deadline-ms" : "duration", arg, 1000, 1, 86400000000L,
                           &us, err, errlen) != 0)
            return -1;
        if (r == R_DEADLINE)
            o->deadline_us = us;
        else
            o->duration_us = us;
        return 0;
    }
    case R_RATE: {
        char *end;
        double v = strtod(arg, &end);
        if (*arg == '\0' || *end != '\0' || !(v > 0) || v > 1e8) {
            snprintf(err, errlen,
                     "--rate takes tasks per second, a positive number up to 1e8, "
                     "not '%s'",
                     arg);
            return -1;
        }
        o->rate = v;
        return 0;
    }
    case R_ARRIVALS:
        if (strcmp(arg, "constant") != 0 && strcmp(arg, "poisson") != 0) {
            snprintf(err, errlen, "--arrivals must be constant or poisson, not '%s'", arg);
            return -1;
        }
        o->poisson = strcmp(arg, "poisson") == 0;
        return 0;
    case R_LIST:
        *action = CLI_LIST;
        return 0;
    case R_HELP:
        *action = CLI_HELP;
        return 0;
    case R_VERSION:
        *action = CLI_VERSION;
        return 0;
    }
    return 0;
}

enum cli_action cli_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->reps = 1;
    o->max_rounds = 50;
    o->max_time_s = 60;
    o->seed = 1;
    o->format = FMT_TEXT;
    o->fail_task = -1;
    params_defaults(&o->p, NULL);
    build_long_opts();
    unsigned negated = 0, affirmed = 0; /* PM() bits of flags given off (--no-reuse) and on */
    const char *wname = NULL, *ename = NULL;
    enum cli_action action = CLI_RUN;
    opterr = 0; /* we print our own one-line errors */
    optind = 0; /* glibc: a full restart, so a second parse (the fuzzer's) keeps nothing of the
                 * last one, such as its position inside a cluster of short options */
    int c;
    while ((c = getopt_long(argc, argv, ":w:e:h", long_opts, NULL)) != -1) {
        int rc = 0;
        if (c == 'w' || c == 'e' || c == 'h')
            rc = run_option(o,
                            c == 'w'   ? R_WORKLOAD
                            : c == 'e' ? R_EXECUTOR
                                       : R_HELP,
                            optarg, &action, &wname, &ename, err, errlen);
        else if (c >= VAL_RUN && c < VAL_RUN + R_COUNT)
            rc = run_option(o, c - VAL_RUN, optarg, &action, &wname, &ename, err, errlen);
        else if (c >= VAL_PARAM && c < VAL_PARAM + P_COUNT) {
            rc = param_parse(&o->p, c - VAL_PARAM, optarg, err, errlen);
            if (param_table[c - VAL_PARAM].type == PT_FLAG) affirmed |= PM(c - VAL_PARAM);
        } else if (c >= VAL_NEG && c < VAL_NEG + P_COUNT) {
            param_set_long(&o->p, c - VAL_NEG, 0);
            o->p.set |= PM(c - VAL_NEG);
            negated |= PM(c - VAL_NEG);
        } else if (c == ':') {
            snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
            return CLI_ERROR;
        } else {
            snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
            return CLI_ERROR;
        }
        if (rc != 0) return CLI_ERROR;
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
        return CLI_ERROR;
    }
    /* A flag given both ways contradicts itself: refuse rather than let the last one win. */
    for (int id = 0; id < P_COUNT; id++)
        if (negated & affirmed & PM(id)) {
            snprintf(err, errlen, "--%s and --%s contradict each other", param_name(id),
                     param_table[id].negation);
            return CLI_ERROR;
        }
    if (o->p.url && o->p.url_base) {
        snprintf(err, errlen, "--url and --url-base are alternatives: give one");
        return CLI_ERROR;
    }
    /* Checked now, touching nothing; created (outfile.c) before any work. */
    if (action == CLI_RUN && o->output && outfile_check(o->output, err, errlen) != 0)
        return CLI_ERROR;
    if (action == CLI_RUN && o->hgrm && outfile_check(o->hgrm, err, errlen) != 0) {
        char *at = strstr(err, "--output");
        if (at) memcpy(at, "--hgrm  ", 8); /* the same checks, named for this option */
        return CLI_ERROR;
    }
    if (action != CLI_RUN) return action;
    if (!wname || !ename) {
        snprintf(err, errlen, "%s is required (see --list and --help)",
                 !wname ? "--workload" : "--executor");
        return CLI_ERROR;
    }
    if (!(o->w = workload_find(wname))) {
        snprintf(err, errlen, "unknown workload '%s' (see --list)", wname);
        return CLI_ERROR;
    }
    /* A parameter that neither the workload nor an executor reads is never silently dropped:
     * it is refused (--strict), or ignored for that executor with a warning and recorded as
     * such, so one command line can serve a scan over executors (hyperfine -L e ...). */
    for (int k = 0; k < o->narms; k++) {
        unsigned stray = o->p.set & ~(o->w->params | o->arms[k].e->params);
        for (int id = 0; id < P_COUNT; id++) {
            if (!(stray & PM(id))) continue;
            if (o->strict) {
                snprintf(err, errlen, "--%s does not apply to workload %s under executor %s",
                         param_name(id), o->w->name, o->arms[k].e->name);
                return CLI_ERROR;
            }
            int seen = 0; /* one warning per flag and executor */
            for (int j = 0; j < k; j++)
                seen |= o->arms[j].e == o->arms[k].e && (o->arms[j].ignored & PM(id));
            if (!seen)
                fprintf(stderr,
                        "cvpbench: warning: --%s does not apply to workload %s under executor "
                        "%s: ignored (--strict makes it an error)\n",
                        param_name(id), o->w->name, o->arms[k].e->name);
            o->arms[k].ignored |= PM(id);
        }
    }
    /* libuv counts whole milliseconds: a loop's timer (and the mock server's /delay) cannot
     * wait less, so a shorter wait on a loop is measured as what it really is, and said. */
    for (int k = 0; k < o->narms; k++)
        if (o->arms[k].e->overlap == OVERLAP_LOOP && (o->w->params & PM(P_LATENCY_MS)) &&
            o->p.latency_us > 0 && o->p.latency_us < 1000) {
            fprintf(stderr,
                    "cvpbench: note: a wait of %ld us is below the event loop's 1 ms timer "
                    "tick (libuv): on %s each task waits until the next tick, as measured\n",
                    o->p.latency_us, o->arms[k].e->name);
            break;
        }
    /* The open loop: --duration with --rate sets the task count; the other flags need --rate. */
    if ((o->duration_us || o->poisson) && o->rate <= 0) {
        snprintf(err, errlen, "--%s needs --rate", o->duration_us ? "duration" : "arrivals");
        return CLI_ERROR;
    }
    if (o->duration_us) {
        if (o->p.set & PM(P_TASKS)) {
            snprintf(err, errlen,
                     "--duration sets the task count (rate x duration): give "
                     "--tasks or --duration, not both");
            return CLI_ERROR;
        }
        double tasks = ceil(o->rate * (double)o->duration_us / 1e6);
        if (tasks < 1 || tasks > param_def(P_TASKS)->max) {
            snprintf(err, errlen, "--rate x --duration gives %.0f tasks (1..%ld)", tasks,
                     param_def(P_TASKS)->max);
            return CLI_ERROR;
        }
        o->p.tasks = (long)tasks;
        o->p.set |= PM(P_TASKS);
        if (!o->deadline_us) o->deadline_us = o->duration_us + o->duration_us / 2;
    }
    params_apply_defaults(&o->p, o->w->defaults);
    if (o->p.tasks > 0 && (o->p.blocking_tasks > o->p.tasks || o->fail_task >= o->p.tasks)) {
        int f = o->fail_task >= o->p.tasks;
        snprintf(err, errlen, "--%s %ld is beyond the batch's %ld tasks",
                 f ? "fail-task" : "blocking-tasks", f ? o->fail_task : o->p.blocking_tasks,
                 o->p.tasks);
        return CLI_ERROR;
    }
    if (arms_apply(o->arms, o->narms, &o->p, err, errlen) != 0) return CLI_ERROR;
    if (o->ci > 0 && o->reps < 6) o->reps = 6; /* a 95% interval takes 6 samples */
    /* Threads, stacks and memory this machine cannot give: refused now, not as a crash inside
     * a runtime half-way through making its threads. */
    if (headroom_check(o, err, errlen) != 0) return CLI_ERROR;
    o->progress = o->progress == 0 && isatty(2);
    return CLI_RUN;
}
