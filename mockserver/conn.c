/* NAME    conn.c
 * PURPOSE A connection's state machine (the states are listed in conn.h): reading and parsing
 *         requests, dispatching them, the connection's one timer, lingering after the last
 *         response, and closing. What to answer is respond.c's; writing it is writer.c's. */
#include "conn.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);

static void on_timer(uv_timer_t *t)
{
    struct conn *c = t->data;
    switch (c->state) {
    case ST_HEAD:
        conn_fail(c, c->in_len ? ERR_HEADER_TIMEOUT : ERR_IDLE_TIMEOUT);
        break;
    case ST_BODY:
        conn_fail(c, ERR_HEADER_TIMEOUT);
        break;
    case ST_DELAY:
        /* Millisecond timers only come near: the precise waker sends at the due time. */
        if (uv_hrtime() < c->wake.due_ns) {
            waker_add(&c->srv->waker, &c->wake);
            break;
        }
        respond_send(c);
        conn_process_buffered(c);
        break;
    case ST_WRITE:
        writer_timer(c);
        break;
    case ST_STALL:
    case ST_LINGER:
        conn_close(c, 0);
        break;
    case ST_CLOSED:
        break;
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct conn *c = h->data;
    struct server *s = c->srv;
    /* Fast path: nothing buffered, so the bytes can be parsed where they land. */
    if ((c->in_len == 0 && c->state == ST_HEAD) || c->state == ST_LINGER) {
        *buf = uv_buf_init(s->rbuf, RBUF_SIZE);
        return;
    }
    if (c->in == NULL && (c->in = malloc(IN_CAP)) == NULL) {
        *buf = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS to on_read */
        return;
    }
    *buf = uv_buf_init(c->in + c->in_len, IN_CAP - c->in_len);
}

void conn_read_start(struct conn *c)
{
    if (!c->reading) c->reading = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status; /* lingering continues until EOF or the timer either way */
}

/* The last response is out: send FIN and read until the client's FIN, so that its unread
 * request bytes never turn our close into an RST that could destroy the response in flight. */
static void conn_linger(struct conn *c)
{
    free(c->in);
    c->in = NULL;
    c->in_len = 0;
    if (c->eof) {
        conn_close(c, 0);
        return;
    }
    c->state = ST_LINGER;
    conn_arm(c, MS_LINGER_MS);
    c->sreq.data = c;
    if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        conn_close(c, 0);
        return;
    }
    conn_read_start(c);
}

void conn_response_done(struct conn *c)
{
    free(c->owned);
    c->owned = NULL;
    if (c->active) {
        stats_request_end(&c->srv->stats);
        c->active = 0;
    }
    c->fault = FAULT_NONE;
    if (c->rt.close || c->srv->stopping) {
        conn_linger(c);
        return;
    }
    c->state = ST_HEAD;
    conn_arm(c, c->srv->cfg->idle_timeout_ms);
}

/* avail: bytes already received after the head (the start of any body). */
static void conn_dispatch(struct conn *c, const struct http_request *req, size_t avail)
{
    struct server *s = c->srv;
    route_resolve(req, s->cfg, &c->rt);
    respond_prepare(c, req);
    c->http10 = req->version_minor == 0 && !c->rt.close;
    c->fault = FAULT_NONE;
    if (c->rt.kind != ROUTE_STATS && c->rt.kind != ROUTE_STATS_RESET) {
        stats_request_begin(&s->stats);
        c->active = 1;
        c->fault = fault_draw(s);
    }
    c->discard = (uint64_t)c->rt.body;
    if (c->discard > 0) {
        c->state = ST_BODY;
        /* The client waits for this before sending its body (RFC 9110 10.1.1); it may be
         * skipped once the body is here, and HTTP/1.0 clients never get it. */
        if (req->expect_continue && req->version_minor == 1 && avail < c->discard)
            writer_continue(c);
        return;
    }
    respond_start(c);
}

/* A head the parser refused: counted as a request, answered with its status, then closed. */
static void conn_reject(struct conn *c, int status)
{
    stats_request_begin(&c->srv->stats);
    c->active = 1;
    memset(&c->rt, 0, sizeof(c->rt));
    c->rt.kind = ROUTE_ERROR;
    c->rt.status = status;
    c->rt.close = 1;
    c->http10 = 0;
    c->fault = FAULT_NONE;
    respond_send(c);
}

/* Consumes requests from data[0..len) while the connection is ready for them; returns the bytes
 * consumed. The caller keeps the rest. */
static size_t conn_process(struct conn *c, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        if (c->state == ST_BODY) {
            uint64_t take = len - off < c->discard ? len - off : c->discard;
            off += take;
            c->discard -= take;
            if (c->discard == 0) respond_start(c);
            continue;
        }
        if (c->state != ST_HEAD) break;
        struct http_request req;
        long r = http_parse_request(data + off, len - off, &req);
        if (r == 0) break;
        if (r < 0) {
            conn_reject(c, (int)-r);
            return len;
        }
        if (off > 0) c->pipelined = 1; /* behind another request in the same bytes */
        off += (size_t)r;
        /* The head deadline keeps running through any body; every next state re-arms it. */
        conn_dispatch(c, &req, len - off);
    }
    if (c->state == ST_LINGER || c->state == ST_CLOSED) return len;
    if (off < len && c->state != ST_HEAD && c->state != ST_BODY) c->pipelined = 1;
    return off;
}

/* Also ends a half-closed connection that has nothing left to answer. */
void conn_process_buffered(struct conn *c)
{
    if (c->state != ST_HEAD && c->state != ST_BODY) return;
    if (c->in_len > 0) {
        size_t used = conn_process(c, c->in, c->in_len);
        if (c->state == ST_CLOSED || c->state == ST_LINGER) return;
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= (uint32_t)used;
    }
    if (c->state != ST_HEAD && c->state != ST_BODY) return;
    if (c->eof) {
        conn_fail(c, c->in_len || c->state == ST_BODY ? ERR_CLIENT_EOF : ERR_COUNT);
        return;
    }
    if (c->in_len == 0) {
        free(c->in); /* idle connections hold no buffer: 10,000 of them stay small */
        c->in = NULL;
    }
    conn_read_start(c);
}

static void on_eof(struct conn *c)
{
    c->eof = 1;
    c->reading = 0; /* libuv stops reading at EOF */
    switch (c->state) {
    case ST_HEAD:
    case ST_BODY:
        conn_process_buffered(c);
        break;
    case ST_STALL:
    case ST_LINGER:
        conn_close(c, 0);
        break;
    case ST_DELAY:
        /* A client with one request at a time that closes before its delayed answer has gone
         * (nginx logs it as 499): counted as its early close, like a reset, never as a 200 it
         * did not receive. A client that pipelined and half-closed still gets every answer. */
        if (!c->pipelined && c->in_len == 0) conn_fail(c, ERR_CLIENT_EOF);
        break;
    default:
        break; /* the pending response goes out; conn_process_buffered ends it after */
    }
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    struct conn *c = st->data;
    struct server *s = c->srv;
    if (nread == 0 || c->state == ST_CLOSED) return;
    if (nread == UV_EOF) {
        on_eof(c);
        return;
    }
    if (nread < 0) {
        int pending = c->active || c->in_len > 0 || c->state == ST_BODY;
        conn_fail(c, pending ? ERR_CLIENT_RESET : ERR_COUNT);
        return;
    }
    if (c->state == ST_LINGER) {
        if ((c->lingered += (uint64_t)nread) > LINGER_MAX) conn_close(c, 0);
        return;
    }
    if (buf->base == s->rbuf) {
        size_t used = conn_process(c, s->rbuf, (size_t)nread);
        if (c->state == ST_CLOSED || c->state == ST_LINGER || used == (size_t)nread) return;
        /* Keep the tail: an incomplete head, or requests waiting behind a delayed one. */
        if (c->in == NULL && (c->in = malloc(IN_CAP)) == NULL) {
            conn_close(c, 0);
            return;
        }
        memcpy(c->in, s->rbuf + used, (size_t)nread - used);
        c->in_len = (uint32_t)((size_t)nread - used);
    } else {
        int lf = memchr(buf->base, '\n', (size_t)nread) != NULL;
        c->in_len += (uint32_t)nread;
        /* Re-parse only when a line may have completed or a limit is crossed, so a client
         * trickling bytes costs one scan per line, not one per byte. */
        if (c->state == ST_BODY || lf || c->in_len >= HTTP_MAX_HEAD ||
            (c->in_len >= HTTP_MAX_LINE && memchr(c->in, '\n', c->in_len) == NULL))
            conn_process_buffered(c);
    }
    if (c->state != ST_CLOSED && c->in_len == IN_CAP && c->reading) {
        uv_read_stop(st); /* backpressure: resumed once the buffered requests are answered */
        c->reading = 0;
    }
}

/* The waker's callback: a delayed answer is due (ST_DELAY's precise wake-up). */
void conn_on_wake(struct waker_entry *e)
{
    struct conn *c = (struct conn *)((char *)e - offsetof(struct conn, wake));
    if (c->state != ST_DELAY) return;
    respond_send(c);
    conn_process_buffered(c);
}

const struct conn_events conn_events = {
    .response_done = conn_response_done,
    .resume = conn_process_buffered,
    .timer = on_timer,
};
