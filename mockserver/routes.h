/* NAME    routes.h
 * PURPOSE Maps a parsed request to what the server must answer: a pure function, fuzzed with the
 *         parser. */
#ifndef MS_ROUTES_H
#define MS_ROUTES_H

#include "config.h"
#include "parser.h"

enum route_kind {
    ROUTE_ROOT,        /* "/": tiny fixed body */
    ROUTE_DELAY,       /* /delay/{ms} or /delay?ms=: JSON after arg microseconds */
    ROUTE_GET,         /* /get: JSON describing the request */
    ROUTE_STATUS,      /* /status/{code} */
    ROUTE_BYTES,       /* /bytes/{n}: arg seeded bytes */
    ROUTE_STATS,       /* /stats: counters as JSON */
    ROUTE_STATS_RESET, /* /stats/reset: POST or GET resets, HEAD does not */
    ROUTE_ERROR,       /* an error status from validation (400, 404, 405, 413, 417) */
};

struct route {
    enum route_kind kind;
    int status;     /* the status line's code */
    uint64_t arg;   /* delay in microseconds, or body length in bytes */
    int decimals;   /* /delay: digits after the decimal point as sent (0-3), to echo the value */
    int close;      /* close the connection after this response */
    int head;       /* HEAD: headers only */
    int body;       /* the request carries a Content-Length body of this many bytes to discard */
    int allow_post; /* 405 for a resource that also takes POST (/stats/reset) */
};

void route_resolve(const struct http_request *req, const struct ms_config *cfg, struct route *out);

#endif
