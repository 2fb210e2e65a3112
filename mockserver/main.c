/* NAME    main.c
 * PURPOSE mockserver's command line: strict option parsing into a run configuration.
 * USAGE   mockserver [--port 0] [--port-file F] [options]; see --help. */
#include "../bench/safepath.h"
#include "config.h"
#include "gitrev.h"
#include "parser.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARG ((uint64_t)1 << 59) /* keeps every limit far from overflow in the routes */

static const char usage[] =
    "usage: mockserver [options]\n"
    "A strict HTTP/1.1 test server on one libuv loop; keep-alive and pipelining supported.\n"
    "\n"
    "Routes (GET and HEAD, and POST on /stats/reset; other methods get 405). Delays are in\n"
    "milliseconds, not seconds as in httpbin:\n"
    "  /                  200, \"Hello, world\\n\" (13 bytes, text/plain), for throughput tests\n"
    "  /get               200, {\"url\":\"TARGET\",\"method\":\"GET\"}: the request-target as "
    "sent\n"
    "                     (query included, JSON-escaped) and the method (HEAD for HEAD)\n"
    "  /delay/{ms}        200 after ms milliseconds, timed to the microsecond (timerfd), body\n"
    "  /delay?ms={ms}     {\"delay_ms\":ms} with ms as sent (leading zeros dropped); ms is digits\n"
    "                     with up to 3 decimals (0.3 waits 300 us); more decimals, a sign, an\n"
    "                     exponent or ms > --max-delay-ms give 400\n"
    "  /status/{code}     that status (200-599; others give 400), body {\"status\":code}\n"
    "                     (204 and 304: no body)\n"
    "  /bytes/{n}         n bytes (application/octet-stream), byte i = pattern[i mod 65536],\n"
    "                     pattern seeded by --seed; n > --max-bytes gives 400\n"
    "  /stats             JSON counters: requests, in_flight, peak_in_flight, connections,\n"
    "                     peak_connections, accepted, status{code:count}, errors{class:count}\n"
    "  /stats/reset       POST zeroes the counters (gauges keep their value); GET does too,\n"
    "                     kept for old scripts; HEAD never resets\n"
    "  /stats and /stats/reset are not counted in requests, in_flight or status, and never\n"
    "  get injected faults; their connection is counted in connections and accepted.\n"
    "\n"
    "Limits: request line 8192 bytes (414), head 32768 bytes or 100 fields (431), request\n"
    "body 1 MiB (413, Content-Length only; Transfer-Encoding gives 501), strict syntax (bare LF,\n"
    "obs-fold, bad percent-encoding, missing Host on HTTP/1.1, duplicate Host or Content-Length,\n"
    "a Host that is not host[:port]: 400), versions other than 1.0 and 1.1: 505. These, 405,\n"
    "413 and 417 close the connection; a bad route argument (400) or an unknown route (404)\n"
    "does not. Targets are origin-form (/path?query) or http:// absolute-form, whose path\n"
    "is routed. Connection is a token list: close always wins; HTTP/1.0 stays open only with\n"
    "keep-alive. Request bodies (Content-Length) are read and discarded; on HTTP/1.1,\n"
    "Expect: 100-continue gets \"100 Continue\" before the body is read, any other\n"
    "expectation 417.\n"
    "A client that closes (FIN or RST) before its /delay answer is counted as client_eof or\n"
    "client_reset, not as a 200; one that pipelined, then half-closed, still gets every answer.\n"
    "A whole request head must arrive within the idle timeout of the connection going idle;\n"
    "a response the client stops reading is dropped once no byte of it was acknowledged for\n"
    "the idle timeout (checked every quarter of it); a slow but steady reader is never cut.\n"
    "\n"
    "Options:\n"
    "  --host ADDR          listen address, an IP literal (default 127.0.0.1)\n"
    "  --allow-remote       required for a non-loopback --host\n"
    "  --port N             TCP port, 0 picks a free one (default 0)\n"
    "  --port-file F        write the port to F (atomically) once accepting connections\n"
    "  --max-conns N        open connections; more are answered 503 and closed (default 16384)\n"
    "  --idle-timeout-ms N  head deadline and send timeout, in ms (default 15000)\n"
    "  --max-delay-ms N     largest /delay, in ms (default 10000)\n"
    "  --max-bytes N        largest /bytes (default 10485760)\n"
    "  --seed N             seeds /bytes content and fault draws (default 1)\n"
    "  --error-rate P       probability of answering 500 instead (default 0)\n"
    "  --reset-rate P       probability of sending the head and part of the body, then RST\n"
    "  --stall-rate P       probability of never answering (closed at the idle timeout)\n"
    "                       (one draw per request; the three rates may sum to at most 1)\n"
    "  --help               this text\n"
    "  --version            the version and git revision\n"
    "\n"
    "Prints 'mockserver listening on HOST:PORT' when ready; SIGINT or SIGTERM stops it, prints\n"
    "the final counters and exits 0. Bad options exit 2.\n";

static void die_usage(const char *fmt, const char *arg)
{
    fputs("mockserver: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see --help)\n", stderr);
    exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
    uint64_t v = 0;
    if (*s == '\0') die_usage("empty value for %s", opt);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > hi) die_usage("invalid or out-of-range number for %s", opt);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v < lo || v > hi) die_usage("out-of-range number for %s", opt);
    return v;
}

static double parse_rate(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno || !(v >= 0.0 && v <= 1.0))
        die_usage("%s needs a probability between 0 and 1", opt);
    return v;
}

static int is_loopback(const char *host)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, host, a) == 1) return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) == 1) {
        static const unsigned char one[16] = {[15] = 1};
        return memcmp(a, one, 16) == 0;
    }
    return -1;
}

enum {
    OPT_HOST = 256,
    OPT_ALLOW_REMOTE,
    OPT_PORT,
    OPT_PORT_FILE,
    OPT_MAX_CONNS,
    OPT_IDLE,
    OPT_MAX_DELAY,
    OPT_MAX_BYTES,
    OPT_SEED,
    OPT_ERROR,
    OPT_RESET,
    OPT_STALL,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    {"host", required_argument, NULL, OPT_HOST},
    {"allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE},
    {"port", required_argument, NULL, OPT_PORT},
    {"port-file", required_argument, NULL, OPT_PORT_FILE},
    {"max-conns", required_argument, NULL, OPT_MAX_CONNS},
    {"idle-timeout-ms", required_argument, NULL, OPT_IDLE},
    {"max-delay-ms", required_argument, NULL, OPT_MAX_DELAY},
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"seed", required_argument, NULL, OPT_SEED},
    {"error-rate", required_argument, NULL, OPT_ERROR},
    {"reset-rate", required_argument, NULL, OPT_RESET},
    {"stall-rate", required_argument, NULL, OPT_STALL},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static void parse_args(int argc, char **argv, struct ms_config *cfg)
{
    int opt;
    opterr = 0; /* our own one-line messages instead of getopt's */
    while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        const char *name = argv[optind - 1];
        switch (opt) {
        case OPT_HOST:
            cfg->host = optarg;
            break;
        case OPT_ALLOW_REMOTE:
            cfg->allow_remote = 1;
            break;
        case OPT_PORT:
            cfg->port = (int)parse_u64(name, optarg, 0, 65535);
            break;
        case OPT_PORT_FILE:
            if (*optarg == '\0') die_usage("empty value for %s", name);
            cfg->port_file = optarg;
            break;
        case OPT_MAX_CONNS:
            cfg->max_conns = (uint32_t)parse_u64(name, optarg, 1, 1000000);
            break;
        case OPT_IDLE:
            cfg->idle_timeout_ms = parse_u64(name, optarg, 1, 86400000);
            break;
        case OPT_MAX_DELAY:
            cfg->max_delay_ms = parse_u64(name, optarg, 0, 86400000);
            break;
        case OPT_MAX_BYTES:
            cfg->max_bytes = parse_u64(name, optarg, 0, MAX_ARG);
            break;
        case OPT_SEED:
            cfg->seed = parse_u64(name, optarg, 0, UINT64_MAX / 10);
            break;
        case OPT_ERROR:
            cfg->error_rate = parse_rate(name, optarg);
            break;
        case OPT_RESET:
            cfg->reset_rate = parse_rate(name, optarg);
            break;
        case OPT_STALL:
            cfg->stall_rate = parse_rate(name, optarg);
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            exit(0);
        case OPT_VERSION:
            printf("mockserver %s (%s)\n", MS_VERSION, CVP_GIT_REV);
            exit(0);
        case ':':
            die_usage("option %s needs a value", argv[optind - 1]);
            break;
        default:
            die_usage("unknown option %s", argv[optind - 1]);
            break;
        }
    }
    if (optind < argc) die_usage("unexpected argument '%s'", argv[optind]);
    if (cfg->error_rate + cfg->reset_rate + cfg->stall_rate > 1.0)
        die_usage("%s: the fault rates sum to more than 1",
                  "--error-rate/--reset-rate/--stall-rate");
    int lo = is_loopback(cfg->host);
    if (lo < 0) die_usage("--host must be an IPv4 or IPv6 literal, not '%s'", cfg->host);
    if (!lo && !cfg->allow_remote)
        die_usage("--host %s is not loopback; add --allow-remote to listen there", cfg->host);
    /* Checked now, touching nothing (written once listening): a bad name is bad input. */
    struct safepath sp;
    char err[512];
    if (cfg->port_file &&
        safepath_resolve(cfg->port_file, "--port-file", &sp, err, sizeof err) != 0)
        die_usage("%s", err);
    if (cfg->port_file) safepath_release(&sp);
}

int main(int argc, char **argv)
{
    struct ms_config cfg = {
        .host = "127.0.0.1",
        .max_conns = 16384,
        .idle_timeout_ms = 15000,
        .max_delay_ms = 10000,
        .max_bytes = 10u << 20,
        .seed = MS_DEFAULT_SEED,
    };
    parse_args(argc, argv, &cfg);
    /* A client that vanishes mid-response must cost an EPIPE, not the process. */
    signal(SIGPIPE, SIG_IGN);
    return server_run(&cfg) == 0 ? 0 : 1;
}
