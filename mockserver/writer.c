/* NAME    writer.c
 * PURPOSE Getting a built response to the client: uv_try_write first (no request, no callback),
 *         uv_write for what the socket could not take, at most WRITE_CHUNK body bytes at a time so
 *         that a huge /bytes body is never copied (it is gathered from the seeded pattern), and
 *         the send timeout while the client is slow to read. */
#include "conn.h"

#include <linux/sockios.h>
#include <stdlib.h>
#include <sys/ioctl.h>

/* How often a queued response is checked for progress: a quarter of the idle timeout, so a
 * client that stops reading is dropped between 1 and 1.25 idle timeouts after its last byte. */
static uint64_t check_ms(const struct conn *c)
{
    return (c->srv->cfg->idle_timeout_ms + 3) / 4;
}

/* Bytes written and not yet acknowledged by the client: what libuv still queues plus the
 * kernel's send queue (SIOCOUTQ counts unsent and unacknowledged bytes). libuv's queue alone
 * is not enough: the kernel's buffer grows to megabytes, and it only makes room for libuv in
 * large steps, long after the client started reading again. */
static uint64_t unacked(struct conn *c)
{
    uv_os_fd_t fd;
    int outq = 0;
    uint64_t n = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
    if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 && ioctl(fd, SIOCOUTQ, &outq) == 0 && outq > 0)
        n += (uint64_t)outq;
    return n;
}

/* Fills bufs from offset c->sent, at most WRITE_CHUNK body bytes; returns the count of buffers. */
static unsigned fill_bufs(struct conn *c, uv_buf_t *bufs, uint64_t *bytes)
{
    unsigned n = 0;
    uint64_t off = c->sent, total = 0;
    if (off < c->head_len) {
        bufs[n++] = uv_buf_init(c->head + off, (unsigned)(c->head_len - off));
        total += c->head_len - off;
        off = c->head_len;
    }
    uint64_t boff = off - c->head_len, left = c->body_len - boff;
    if (left > WRITE_CHUNK) left = WRITE_CHUNK;
    if (c->body) {
        if (left) bufs[n++] = uv_buf_init((char *)c->body + boff, (unsigned)left);
        total += left;
    } else {
        while (left) {
            size_t p = boff % PATTERN_SIZE, l = PATTERN_SIZE - p;
            if (l > left) l = left;
            bufs[n++] = uv_buf_init((char *)c->srv->pattern + p, (unsigned)l);
            boff += l, left -= l, total += l;
        }
    }
    *bytes = total;
    return n;
}

static void on_write(uv_write_t *req, int status);

/* uv_try_write with "would block" as 0 bytes written; a real error (the client reset or
 * vanished) fails the connection and returns -1. */
static int try_write(struct conn *c, const uv_buf_t *bufs, unsigned n)
{
    int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
    if (r == UV_EAGAIN || r == UV_ENOSYS) return 0;
    if (r < 0) conn_fail(c, ERR_CLIENT_RESET);
    return r < 0 ? -1 : r;
}

static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

static void on_continue_written(uv_write_t *req, int status)
{
    struct conn *c = req->data; /* alive: a close calls this (ECANCELED) before freeing c */
    free(req);
    if (status < 0 && c->state != ST_CLOSED) conn_fail(c, ERR_CLIENT_RESET);
}

/* Almost always one uv_try_write. The rare rest (a client not reading what it was sent before)
 * gets a request of its own, so that the response's c->wreq stays free; libuv keeps writes in
 * order. */
void writer_continue(struct conn *c)
{
    uv_buf_t buf = uv_buf_init((char *)continue_line, sizeof(continue_line) - 1);
    int r = try_write(c, &buf, 1);
    if (r < 0 || (unsigned)r == buf.len) return;
    buf.base += r;
    buf.len -= (unsigned)r;
    uv_write_t *w = malloc(sizeof(*w));
    if (w != NULL) w->data = c;
    if (w == NULL || uv_write(w, (uv_stream_t *)&c->tcp, &buf, 1, on_continue_written) != 0) {
        free(w);
        conn_fail(c, ERR_CLIENT_RESET);
    }
}

void writer_start(struct conn *c)
{
    uv_buf_t bufs[WRITE_CHUNK / PATTERN_SIZE + 3];
    uint64_t total = (uint64_t)c->head_len + c->body_len;
    while (c->sent < total) {
        uint64_t bytes;
        unsigned n = fill_bufs(c, bufs, &bytes);
        int r = try_write(c, bufs, n);
        if (r < 0) return;
        c->sent += (uint64_t)r;
        if ((uint64_t)r < bytes) {
            n = fill_bufs(c, bufs, &c->queued);
            c->wreq.data = c;
            if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, bufs, n, on_write) != 0) {
                conn_fail(c, ERR_CLIENT_RESET);
                return;
            }
            c->state = ST_WRITE;
            c->progress_ms = uv_now(c->srv->loop);
            c->unacked_seen = unacked(c);
            conn_arm(c, check_ms(c));
            return;
        }
    }
    c->srv->events->response_done(c);
}

static void on_write(uv_write_t *req, int status)
{
    struct conn *c = req->data;
    if (c->state == ST_CLOSED) return;
    if (status < 0) {
        conn_fail(c, ERR_CLIENT_RESET);
        return;
    }
    c->sent += c->queued;
    c->queued = 0;
    writer_start(c);
    c->srv->events->resume(c);
}

/* Progress is the client acknowledging bytes, however few: a reader that is slow but steady
 * keeps its connection however long the whole body takes; one that stops is dropped. */
void writer_timer(struct conn *c)
{
    uint64_t idle = c->srv->cfg->idle_timeout_ms, now = uv_now(c->srv->loop);
    uint64_t left = unacked(c);
    if (left < c->unacked_seen) {
        c->unacked_seen = left;
        c->progress_ms = now;
    }
    uint64_t quiet = now - c->progress_ms;
    if (quiet >= idle) {
        conn_fail(c, ERR_SEND_TIMEOUT);
        return;
    }
    conn_arm(c, idle - quiet < check_ms(c) ? idle - quiet : check_ms(c));
}
