/* NAME    writer.c
 * PURPOSE Getting a built response to the client: uv_try_write first (no request, no callback),
 *         uv_write for what the socket could not take, at most WRITE_CHUNK body bytes at a time so
 *         that a huge /bytes body is never copied (it is gathered from the seeded pattern), and
 *         the send timeout while the client is slow to read. */
#include "conn.h"

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

void writer_start(struct conn *c)
{
    uv_buf_t bufs[WRITE_CHUNK / PATTERN_SIZE + 3];
    uint64_t total = (uint64_t)c->head_len + c->body_len;
    while (c->sent < total) {
        uint64_t bytes;
        unsigned n = fill_bufs(c, bufs, &bytes);
        int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
        if (r == UV_EAGAIN || r == UV_ENOSYS) r = 0;
        if (r < 0) {
            conn_fail(c, ERR_CLIENT_RESET);
            return;
        }
        c->sent += (uint64_t)r;
        if ((uint64_t)r < bytes) {
            n = fill_bufs(c, bufs, &c->queued);
            c->wreq.data = c;
            if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, bufs, n, on_write) != 0) {
                conn_fail(c, ERR_CLIENT_RESET);
                return;
            }
            c->state = ST_WRITE;
            conn_arm(c, c->srv->cfg->idle_timeout_ms);
            return;
        }
    }
    conn_response_done(c);
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
    conn_process_buffered(c);
}
