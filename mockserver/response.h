/* NAME    response.h
 * PURPOSE Response heads and small bodies, written with memcpy rather than printf because the
 *         head of every response is on the throughput path. */
#ifndef MS_RESPONSE_H
#define MS_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#define RESPONSE_HEAD_MAX 192 /* bytes: the longest head response_head can write */

struct response_head_args {
    int status;
    const char *content_type; /* NULL: no body and no Content-Length (204, 304) */
    uint64_t content_length;  /* in bytes */
    int close;                /* "Connection: close" */
    int keep_alive_10;        /* "Connection: keep-alive" for an HTTP/1.0 client that asked */
    int allow_post;           /* 405: POST is among the allowed methods */
};

const char *response_reason(int status);
/* Writes the head into buf (RESPONSE_HEAD_MAX bytes) and returns its length. */
size_t response_head(char *buf, const struct response_head_args *a);
/* Writes the decimal digits of v into buf (20 bytes) and returns their count. */
size_t response_u64(char *buf, uint64_t v);

#endif
