/* NAME    routes.c
 * PURPOSE Route table and argument validation. Paths match raw (never percent-decoded): a client
 *         that encodes a route name gets 404, which is what a strict mock should do. */
#include "routes.h"

#include <string.h>

/* Decimal digits only, at least one; anything above max (or overflowing) is out of range. */
static int parse_number(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        x = x * 10 + (uint64_t)(s[i] - '0');
        if (x > max) return -1; /* checked every digit, so x * 10 never overflows (max < 2^60) */
    }
    *out = x;
    return 0;
}

/* A delay in milliseconds: digits, then optionally '.' and one to three more digits (so the
 * unit stays milliseconds, with microsecond precision). No sign, exponent, or lone '.' at
 * either end. The bound is max_ms, as for whole numbers. */
static int parse_delay(const char *s, size_t n, uint64_t max_ms, struct route *out)
{
    const char *dot = memchr(s, '.', n);
    size_t whole = dot ? (size_t)(dot - s) : n, frac = dot ? n - whole - 1 : 0;
    uint64_t ms, us = 0;
    if (parse_number(s, whole, max_ms, &ms) || (dot && (frac < 1 || frac > 3))) return -1;
    for (size_t i = 0; i < 3; i++) {
        char d = i < frac ? dot[1 + i] : '0';
        if (d < '0' || d > '9') return -1;
        us = us * 10 + (uint64_t)(d - '0');
    }
    us += ms * 1000;
    if (us > max_ms * 1000) return -1;
    out->kind = ROUTE_DELAY;
    out->arg = us;
    out->decimals = (int)frac;
    return 0;
}

/* Finds "name=value" among '&'-separated query parameters. */
static const char *query_param(const struct http_request *req, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    /* No query at all: NULL + 0 is undefined behaviour in C (clang's UBSan reports it). */
    if (req->query == NULL) return NULL;
    const char *q = req->query, *end = req->query + req->query_len;
    while (q != NULL && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pe = amp ? amp : end;
        if ((size_t)(pe - q) > nl && memcmp(q, name, nl) == 0 && q[nl] == '=') {
            *vlen = (size_t)(pe - q - nl - 1);
            return q + nl + 1;
        }
        q = amp ? amp + 1 : end;
    }
    return NULL;
}

static int has_prefix(const struct http_request *req, const char *prefix, const char **rest,
                      size_t *rest_len)
{
    size_t n = strlen(prefix);
    if (req->path_len < n || memcmp(req->path, prefix, n) != 0) return 0;
    *rest = req->path + n;
    *rest_len = req->path_len - n;
    return 1;
}

static void route_path(const struct http_request *req, const struct ms_config *cfg,
                       struct route *out)
{
    const char *rest;
    size_t n;
    uint64_t v;
    /* parse_number needs max < 2^60, and delays are counted in microseconds; the command line
     * already caps both far lower, this keeps the check local. */
    const uint64_t limit = (uint64_t)1 << 59, delay_limit = (uint64_t)1 << 40;
    const uint64_t max_delay = cfg->max_delay_ms < delay_limit ? cfg->max_delay_ms : delay_limit;
    const uint64_t max_bytes = cfg->max_bytes < limit ? cfg->max_bytes : limit;

    if (req->path_len == 1) {
        out->kind = ROUTE_ROOT;
    } else if (req->path_len == 6 && memcmp(req->path, "/stats", 6) == 0) {
        out->kind = ROUTE_STATS;
    } else if (req->path_len == 12 && memcmp(req->path, "/stats/reset", 12) == 0) {
        out->kind = ROUTE_STATS_RESET;
    } else if (req->path_len == 4 && memcmp(req->path, "/get", 4) == 0) {
        out->kind = ROUTE_GET;
    } else if (req->path_len == 6 && memcmp(req->path, "/delay", 6) == 0) {
        const char *ms = query_param(req, "ms", &n);
        if (ms == NULL || parse_delay(ms, n, max_delay, out)) out->status = 400;
    } else if (has_prefix(req, "/delay/", &rest, &n)) {
        if (parse_delay(rest, n, max_delay, out)) out->status = 400;
    } else if (has_prefix(req, "/status/", &rest, &n)) {
        /* 1xx are interim responses a client would wait past, so only final codes are served. */
        if (parse_number(rest, n, 599, &v) || v < 200)
            out->status = 400;
        else
            out->kind = ROUTE_STATUS, out->status = (int)v;
    } else if (has_prefix(req, "/bytes/", &rest, &n)) {
        if (parse_number(rest, n, max_bytes, &v))
            out->status = 400;
        else
            out->kind = ROUTE_BYTES, out->arg = v;
    } else {
        out->status = 404;
    }
}

void route_resolve(const struct http_request *req, const struct ms_config *cfg, struct route *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = ROUTE_ERROR;
    out->status = 200;
    /* "close" always wins; HTTP/1.0 keeps the connection only when asked to (RFC 9112 9.3). */
    out->close = req->conn_close || (req->version_minor == 0 && !req->conn_keep_alive);
    out->head = req->method_len == 4 && memcmp(req->method, "HEAD", 4) == 0;

    int get = req->method_len == 3 && memcmp(req->method, "GET", 3) == 0;
    int post = req->method_len == 4 && memcmp(req->method, "POST", 4) == 0;
    int reset = req->path_len == 12 && memcmp(req->path, "/stats/reset", 12) == 0;
    /* POST for the one route with a side effect; GET still resets there, for old scripts. */
    if (!get && !out->head && !(post && reset)) {
        /* Close: the request may carry a body we would otherwise have to skip. */
        out->status = 405;
        out->close = 1;
        out->allow_post = reset;
        return;
    }
    /* RFC 9110 10.1.1: only 100-continue can be met; HTTP/1.0 requests' expectations are
     * ignored. Close: the client may or may not send the body it announced. */
    if (req->expect_other && req->version_minor == 1) {
        out->status = 417;
        out->close = 1;
        return;
    }
    if (req->content_length > MS_MAX_BODY) {
        out->status = 413;
        out->close = 1;
        return;
    }
    out->body = (int)req->content_length;
    route_path(req, cfg, out);
}
