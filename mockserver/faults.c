/* NAME    faults.c
 * PURPOSE Fault injection (--error-rate, --reset-rate, --stall-rate): one seeded draw per
 *         request, and the three faults themselves, each counted in /stats when it is injected,
 *         so a client can compare what it saw with what the server did. */
#include "conn.h"

/* A uniform draw in [0, 1) from xorshift64 (seeded from --seed in server_run). */
static double draw(struct server *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return (double)(s->rng >> 11) * (1.0 / 9007199254740992.0);
}

enum fault fault_draw(struct server *s)
{
    const struct ms_config *cfg = s->cfg;
    /* No draw at all without rates, so the generator's sequence depends only on the requests
     * that could have been faulted. */
    if (cfg->stall_rate <= 0 && cfg->reset_rate <= 0 && cfg->error_rate <= 0) return FAULT_NONE;
    double u = draw(s);
    if (u < cfg->stall_rate) return FAULT_STALL;
    if (u < cfg->stall_rate + cfg->reset_rate) return FAULT_RESET;
    if (u < cfg->stall_rate + cfg->reset_rate + cfg->error_rate) return FAULT_ERROR;
    return FAULT_NONE;
}

void fault_stall(struct conn *c)
{
    c->srv->stats.errors[ERR_INJECTED_STALL]++;
    c->state = ST_STALL;
    conn_arm(c, c->srv->cfg->idle_timeout_ms);
}

void fault_error(struct conn *c, struct response_head_args *a)
{
    a->status = 500;
    a->content_type = "application/json";
    conn_small_body(c, "injected_error", 500);
    c->srv->stats.errors[ERR_INJECTED_ERROR]++;
}

/* The head and half the body (half the head when there is no body), then RST. */
void fault_reset(struct conn *c)
{
    uv_buf_t bufs[2];
    unsigned n = 0;
    size_t body = c->body_len < 4096 ? (size_t)c->body_len / 2 : 2048;
    if (body == 0) {
        bufs[n++] = uv_buf_init(c->head, c->head_len / 2u);
    } else {
        bufs[n++] = uv_buf_init(c->head, c->head_len);
        bufs[n++] = uv_buf_init(c->body ? (char *)c->body : (char *)c->srv->pattern, body);
    }
    uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
    c->srv->stats.errors[ERR_INJECTED_RESET]++;
    conn_close(c, 1);
}
