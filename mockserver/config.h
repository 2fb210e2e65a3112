/* NAME    config.h
 * PURPOSE The mock server's run configuration, filled once from the command line. */
#ifndef MS_CONFIG_H
#define MS_CONFIG_H

#include <stdint.h>

#define MS_MAX_BODY     (1u << 20) /* request body limit in bytes: larger gives 413 */
#define MS_LINGER_MS    1000       /* after a final response, wait this long for the client's FIN */
#define MS_DEFAULT_SEED 1

struct ms_config {
    const char *host;         /* listen address, an IP literal */
    int port;                 /* 0 picks a free port */
    const char *port_file;    /* written atomically once listening; NULL for none */
    int allow_remote;         /* a non-loopback host needs this */
    uint32_t max_conns;       /* open connections; more are answered 503 and closed */
    uint64_t idle_timeout_ms; /* deadline for a whole request head, and for write progress */
    uint64_t max_delay_ms;    /* /delay/{ms} above this gives 400 */
    uint64_t max_bytes;       /* /bytes/{n} above this gives 400 */
    uint64_t seed;            /* for /bytes content and fault draws */
    double error_rate;        /* probability of an injected 500 */
    double reset_rate;        /* probability of an abrupt reset mid-response */
    double stall_rate;        /* probability of never answering */
};

#endif
