/* NAME    stats.c
 * PURPOSE Counter updates and the /stats JSON document. The server is one thread on one loop, so
 *         plain integers suffice. */
#include "stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const error_names[ERR_COUNT] = {
    [ERR_BAD_REQUEST] = "bad_request",
    [ERR_NOT_FOUND] = "not_found",
    [ERR_METHOD] = "method",
    [ERR_TOO_LARGE] = "too_large",
    [ERR_UNSUPPORTED] = "unsupported",
    [ERR_REFUSED] = "refused",
    [ERR_ACCEPT] = "accept",
    [ERR_IDLE_TIMEOUT] = "idle_timeout",
    [ERR_HEADER_TIMEOUT] = "header_timeout",
    [ERR_SEND_TIMEOUT] = "send_timeout",
    [ERR_CLIENT_EOF] = "client_eof",
    [ERR_CLIENT_RESET] = "client_reset",
    [ERR_INJECTED_ERROR] = "injected_error",
    [ERR_INJECTED_RESET] = "injected_reset",
    [ERR_INJECTED_STALL] = "injected_stall",
};

void stats_request_begin(struct ms_stats *s)
{
    s->requests++;
    if (++s->in_flight > s->peak_in_flight) s->peak_in_flight = s->in_flight;
}

void stats_request_end(struct ms_stats *s)
{
    s->in_flight--;
}

void stats_conn_open(struct ms_stats *s)
{
    s->accepted++;
    if (++s->connections > s->peak_connections) s->peak_connections = s->connections;
}

void stats_conn_close(struct ms_stats *s)
{
    s->connections--;
}

void stats_status(struct ms_stats *s, int status)
{
    if (status >= 0 && status < STATS_MAX_STATUS) s->status[status]++;
}

enum ms_error stats_error_of_status(int status)
{
    switch (status) {
    case 404:
        return ERR_NOT_FOUND;
    case 405:
        return ERR_METHOD;
    case 413:
    case 414:
    case 431:
        return ERR_TOO_LARGE;
    case 417:
    case 501:
    case 505:
        return ERR_UNSUPPORTED;
    default:
        return ERR_BAD_REQUEST;
    }
}

void stats_reset(struct ms_stats *s)
{
    uint64_t in_flight = s->in_flight, conns = s->connections;
    memset(s, 0, sizeof(*s));
    s->in_flight = s->peak_in_flight = in_flight;
    s->connections = s->peak_connections = conns;
}

/* Appends with snprintf semantics, never past cap; the caller sized cap for the worst case. */
#define APPEND(...)                                                                                \
    do {                                                                                           \
        int n_ = snprintf(buf + len, len < cap ? cap - len : 0, __VA_ARGS__);                      \
        len += n_ > 0 ? (size_t)n_ : 0;                                                            \
    } while (0)

size_t stats_json(const struct ms_stats *s, char *buf, size_t cap)
{
    size_t len = 0;
    APPEND("{\"requests\":%" PRIu64 ",\"in_flight\":%" PRIu64 ",\"peak_in_flight\":%" PRIu64
           ",\"connections\":%" PRIu64 ",\"peak_connections\":%" PRIu64 ",\"accepted\":%" PRIu64
           ",\"status\":{",
           s->requests, s->in_flight, s->peak_in_flight, s->connections, s->peak_connections,
           s->accepted);
    const char *sep = "";
    for (int code = 0; code < STATS_MAX_STATUS; code++) {
        if (s->status[code] == 0) continue;
        APPEND("%s\"%d\":%" PRIu64, sep, code, s->status[code]);
        sep = ",";
    }
    APPEND("},\"errors\":{");
    for (int e = 0; e < ERR_COUNT; e++)
        APPEND("%s\"%s\":%" PRIu64, e ? "," : "", error_names[e], s->errors[e]);
    APPEND("}}");
    return len < cap ? len : cap - 1;
}
