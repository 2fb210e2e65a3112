/* NAME    fuzz_cli.c
 * PURPOSE libFuzzer target for cvpbench's command line and URLs. The input, split at NUL bytes,
 *         is the argument vector of cli_parse; its answer is checked (an error is one line that
 *         fits; a run has a workload and every executor it names). Every argument also goes
 *         through the URL check (whose accepted URLs must be loopback, without user
 *         information, and check again to themselves) and the JSON writer (whose output must be
 *         valid UTF-8 with no control character). Never a crash, a leak or a hang.
 * USAGE   make fuzz; or build-fuzz/bin/fuzz_cli -dict=bench/fuzz/cli.dict bench/fuzz/corpus;
 *         cvpbench_fuzz_replay bench/fuzz/corpus replays the corpus in every build (ctest). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "http.h"
#include "jsonw.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cli: CHECK failed at line %d: %s\n", __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MAX_ARGS 64

/* An accepted URL: http, no '@' before the host, the host loopback unless remote, and its
 * normalised form accepted again as itself. */
static void check_url(const char *arg)
{
    char out[2048], again[2048], res[96], err[256];
    for (int remote = 0; remote < 2; remote++) {
        err[0] = '\0';
        int rc = http_url_check("--url", arg, remote, 0, out, sizeof out, res, sizeof res, err,
                                sizeof err);
        if (rc != 0) {
            CHECK(rc == -1 && err[0] && strlen(err) < sizeof err);
            continue;
        }
        CHECK(strncmp(out, "http://", 7) == 0);
        size_t auth = strcspn(out + 7, "/?#");
        CHECK(memchr(out + 7, '@', auth) == NULL);
        if (!remote)
            CHECK(strncmp(out + 7, "127.", 4) == 0 || strncmp(out + 7, "[::1]", 5) == 0 ||
                  strncasecmp(out + 7, "localhost", 9) == 0);
        CHECK(http_url_check("--url", out, remote, 0, again, sizeof again, res, sizeof res, err,
                             sizeof err) == 0 &&
              strcmp(out, again) == 0);
    }
}

/* Any bytes through the JSON writer: valid UTF-8, nothing below 0x20, quotes balanced. */
static void check_json(const char *arg)
{
    struct jw j;
    jw_init(&j);
    jw_str(&j, NULL, arg);
    CHECK(!j.oom && j.len >= 2 && j.buf[0] == '"' && j.buf[j.len - 1] == '"');
    for (size_t k = 0; k < j.len;) {
        size_t n = jw_utf8_len(j.buf + k);
        CHECK(n > 0 && (unsigned char)j.buf[k] >= 0x20 && (unsigned char)j.buf[k] != 0x7f);
        CHECK(j.buf[k] != '"' || k == 0 || k == j.len - 1 || j.buf[k - 1] == '\\');
        k += n;
    }
    jw_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192) return 0;
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "cvpbench";
    for (size_t at = 0; at < size && argc <= MAX_ARGS; at += strlen(buf + at) + 1)
        argv[argc++] = buf + at;
    argv[argc] = NULL;
    char *args[MAX_ARGS + 2]; /* getopt permutes argv; the checks below read the originals */
    memcpy(args, argv, sizeof args);

    /* cli_parse warns on stderr about ignored parameters: not noise worth a terminal. The
     * sanitizers write their reports to the descriptor, so they still show. */
    FILE *saved = stderr, *null = fopen("/dev/null", "w");
    if (null) stderr = null;
    struct run_opts o;
    char err[256];
    memset(err, 0, sizeof err);
    enum cli_action a = cli_parse(argc, argv, &o, err, sizeof err);
    stderr = saved;
    if (null) fclose(null);

    CHECK(a >= CLI_RUN && a <= CLI_ERROR);
    if (a == CLI_ERROR) {
        /* The message may quote the hostile argument; printed, it is one clean line. */
        char line[1100];
        CHECK(err[0] && strlen(err) < sizeof err);
        size_t n = report_escape(err, line, sizeof line);
        CHECK(n == strlen(line));
        for (size_t k = 0; k < n;) {
            size_t m = jw_utf8_len(line + k);
            CHECK(m > 0 && (unsigned char)line[k] >= 0x20 && line[k] != 0x7f);
            k += m;
        }
    }
    if (a == CLI_RUN) {
        CHECK(o.w && o.narms >= 1 && o.narms <= MAX_ARMS && o.reps >= 1);
        for (int k = 0; k < o.narms; k++)
            CHECK(o.arms[k].e && o.arms[k].label[0]);
        /* The URL as the workload builds it, when it reads one. */
        if ((o.w->params & PM(P_URL)) && (o.p.url || o.p.url_base)) {
            struct http_state s;
            memset(&s, 0, sizeof s);
            char why[256] = "";
            int rc = http_state_init(&s, &o.arms[0].p, why, sizeof why);
            CHECK(rc == 0 || why[0]);
            http_state_fini(&s);
        }
    }
    for (int k = 1; k < argc; k++) {
        check_url(args[k]);
        check_json(args[k]);
    }
    free(buf);
    return 0;
}
