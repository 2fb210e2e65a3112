/* NAME    stats.h
 * PURPOSE The counters behind /stats: requests, statuses, gauges with their peaks, error classes.
 */
#ifndef MS_STATS_H
#define MS_STATS_H

#include <stddef.h>
#include <stdint.h>

enum ms_error {
    ERR_BAD_REQUEST,    /* 400 sent: malformed head or out-of-range argument */
    ERR_NOT_FOUND,      /* 404 sent */
    ERR_METHOD,         /* 405 sent */
    ERR_TOO_LARGE,      /* 413, 414 or 431 sent */
    ERR_UNSUPPORTED,    /* 417, 501 or 505 sent */
    ERR_REFUSED,        /* connection over --max-conns, answered 503 */
    ERR_ACCEPT,         /* accept() failed, e.g. EMFILE */
    ERR_IDLE_TIMEOUT,   /* idle connection closed at the deadline */
    ERR_HEADER_TIMEOUT, /* partial request head or body at the deadline */
    ERR_SEND_TIMEOUT,   /* client stopped reading its response */
    ERR_CLIENT_EOF,     /* client closed in the middle of a request, or during its /delay */
    ERR_CLIENT_RESET,   /* read or write error, e.g. ECONNRESET */
    ERR_INJECTED_ERROR, /* --error-rate: 500 sent */
    ERR_INJECTED_RESET, /* --reset-rate: reset mid-response */
    ERR_INJECTED_STALL, /* --stall-rate: never answered */
    ERR_COUNT
};

#define STATS_MAX_STATUS 600
#define STATS_JSON_MAX   20480 /* bytes: enough for every status code and counter at 2^64-1 */

struct ms_stats {
    uint64_t requests;         /* request heads received, /stats and /stats/reset excluded */
    uint64_t in_flight;        /* received and not yet answered (or dropped) */
    uint64_t peak_in_flight;   /* since start or the last reset */
    uint64_t connections;      /* open now, refused ones excluded */
    uint64_t peak_connections; /* since start or the last reset */
    uint64_t accepted;         /* connections opened since start or the last reset */
    uint64_t status[STATS_MAX_STATUS]; /* responses sent, by status code */
    uint64_t errors[ERR_COUNT];
};

void stats_request_begin(struct ms_stats *s);
void stats_request_end(struct ms_stats *s);
void stats_conn_open(struct ms_stats *s);
void stats_conn_close(struct ms_stats *s);
void stats_status(struct ms_stats *s, int status);
/* The error class of a status the server itself chose to send (not /status/{code}). */
enum ms_error stats_error_of_status(int status);
/* Zeroes the counters; gauges keep their value and peaks restart from it. */
void stats_reset(struct ms_stats *s);
/* Writes the JSON document (no trailing newline); returns its length, < STATS_JSON_MAX. */
size_t stats_json(const struct ms_stats *s, char *buf, size_t cap);

#endif
