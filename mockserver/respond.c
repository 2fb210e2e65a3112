/* NAME    respond.c
 * PURPOSE What each request is answered with, and when: the route bodies, the /delay wait (a
 *         coarse loop timer, then the precise waker), and the head built before the response
 *         goes to the writer. */
#include "conn.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char root_body[] = "Hello, world\n";

/* {"delay_ms":X}, X the value as sent (in milliseconds, with the decimals it was sent with)
 * minus leading zeros, which JSON numbers may not have. */
static void delay_body(struct conn *c)
{
    static const unsigned scale[4] = {1000, 100, 10, 1};
    uint64_t ms = c->rt.arg / 1000, frac = c->rt.arg % 1000 / scale[c->rt.decimals];
    int n = c->rt.decimals == 0
                ? snprintf(c->small, sizeof(c->small), "{\"delay_ms\":%" PRIu64 "}", ms)
                : snprintf(c->small, sizeof(c->small), "{\"delay_ms\":%" PRIu64 ".%0*" PRIu64 "}",
                           ms, c->rt.decimals, frac);
    c->body = c->small;
    c->body_len = (uint64_t)n;
}

void respond_prepare(struct conn *c, const struct http_request *req)
{
    static const char url[] = "{\"url\":\"", method[] = "\",\"method\":\"";
    if (c->rt.kind != ROUTE_GET) return;
    /* The target's bytes are visible ASCII (the parser saw to it): only '"' and '\\' need
     * escaping, to at most twice the length. */
    char *b = malloc(sizeof(url) + 2 * req->target_len + sizeof(method) + req->method_len + 2);
    if (b == NULL) return; /* respond_send closes the connection */
    size_t n = sizeof(url) - 1;
    memcpy(b, url, n);
    for (size_t i = 0; i < req->target_len; i++) {
        if (req->target[i] == '"' || req->target[i] == '\\') b[n++] = '\\';
        b[n++] = req->target[i];
    }
    memcpy(b + n, method, sizeof(method) - 1);
    n += sizeof(method) - 1;
    memcpy(b + n, req->method, req->method_len);
    n += req->method_len;
    b[n++] = '"';
    b[n++] = '}';
    free(c->owned);
    c->owned = b;
    c->owned_len = (uint32_t)n;
}

void respond_send(struct conn *c)
{
    struct server *s = c->srv;
    struct response_head_args a = {.status = c->rt.status, .content_type = "application/json"};
    c->body = NULL;
    c->body_len = 0;
    switch (c->rt.kind) {
    case ROUTE_ROOT:
        c->body = root_body;
        c->body_len = sizeof(root_body) - 1;
        a.content_type = "text/plain";
        break;
    case ROUTE_DELAY:
        delay_body(c);
        break;
    case ROUTE_GET:
        if (c->owned == NULL) {
            conn_close(c, 0);
            return;
        }
        c->body = c->owned;
        c->body_len = c->owned_len;
        break;
    case ROUTE_BYTES:
        c->body_len = c->rt.arg; /* body stays NULL: the seeded pattern */
        a.content_type = "application/octet-stream";
        break;
    case ROUTE_STATS:
        c->owned = malloc(STATS_JSON_MAX);
        if (c->owned == NULL) {
            conn_close(c, 0);
            return;
        }
        c->body = c->owned;
        c->body_len = stats_json(&s->stats, c->owned, STATS_JSON_MAX);
        break;
    case ROUTE_STATS_RESET:
        if (!c->rt.head) stats_reset(&s->stats); /* HEAD is safe: no side effect */
        conn_small_body(c, "reset", 1);
        break;
    case ROUTE_STATUS:
    case ROUTE_ERROR:
        if (c->rt.status == 204 || c->rt.status == 304)
            a.content_type = NULL; /* these never carry a body or a length */
        else
            conn_small_body(c, "status", (uint64_t)c->rt.status);
        break;
    }
    if (c->fault == FAULT_ERROR) fault_error(c, &a);
    a.content_length = c->body_len;
    a.close = c->rt.close || s->stopping;
    a.keep_alive_10 = c->http10;
    a.allow_post = c->rt.allow_post;
    c->head_len = (uint16_t)response_head(c->head, &a);
    if (c->rt.head)
        c->body_len = 0; /* after the head: HEAD announces the length it does not send */
    if (c->fault == FAULT_RESET) {
        fault_reset(c);
        return;
    }
    if (c->body && c->body_len <= MERGE_MAX) {
        memcpy(c->head + c->head_len, c->body, (size_t)c->body_len);
        c->head_len += (uint16_t)c->body_len;
        c->body_len = 0;
    }
    if (c->active) {
        stats_status(&s->stats, a.status);
        /* The class of the error the route chose, unless an injected 500 replaced it: one
         * response, one count. */
        if (c->rt.kind == ROUTE_ERROR && c->fault != FAULT_ERROR)
            s->stats.errors[stats_error_of_status(a.status)]++;
    }
    c->sent = 0;
    writer_start(c);
}

void respond_start(struct conn *c)
{
    if (c->fault == FAULT_STALL) {
        fault_stall(c);
        return;
    }
    if (c->rt.kind == ROUTE_DELAY && c->rt.arg > 0 && c->fault != FAULT_RESET) {
        c->state = ST_DELAY;
        /* Due exactly rt.arg us from now. A libuv timer (whole, possibly stale milliseconds,
         * up to one early or late) brings us within reach; the waker's timerfd does the rest,
         * so answers come neither early nor a millisecond late, sub-millisecond ones too. */
        c->wake.due_ns = uv_hrtime() + c->rt.arg * 1000;
        if (c->rt.arg >= 3000) {
            uv_update_time(c->srv->loop);
            conn_arm(c, c->rt.arg / 1000 - 2);
        } else {
            waker_add(&c->srv->waker, &c->wake);
        }
        return;
    }
    respond_send(c);
}
