/* NAME    fuzz_request_parser.c
 * PURPOSE libFuzzer target for the request parser and the routes: no crash, results within the
 *         input, and split invariance (every prefix parses to "need more" or the whole's result).
 * USAGE   make fuzz; or build-fuzz/bin/fuzz_request_parser mockserver/fuzz/corpus */
#include "parser.h"
#include "routes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) __builtin_trap();                                                             \
    } while (0)

/* Parses an exact-size heap copy of data[0..len), so that any read past the end is an ASan
 * error rather than a silent read of the bytes that follow. */
static long parse_copy(const uint8_t *data, size_t len)
{
    struct http_request req;
    char *copy = malloc(len ? len : 1);
    CHECK(copy != NULL);
    if (len) memcpy(copy, data, len);
    long r = http_parse_request(copy, len, &req);
    free(copy);
    return r;
}

static void check_valid(const char *buf, size_t size, long r, const struct http_request *req)
{
    static const struct ms_config cfg = {.max_delay_ms = 10000, .max_bytes = 10 << 20};
    struct route rt;
    CHECK((size_t)r <= size && r >= 4);
    CHECK(req->method >= buf && req->method + req->method_len <= buf + r);
    CHECK(req->target >= buf && req->target + req->target_len <= buf + r);
    /* The path lies inside the target, or is the static "/" of an absolute-form target with
     * an empty path. */
    CHECK(req->path[0] == '/' &&
          (req->path_len == 1 || (req->path >= req->target &&
                                  req->path + req->path_len <= req->target + req->target_len)));
    CHECK(req->query == NULL || req->query + req->query_len <= buf + r);
    CHECK(req->host == NULL || (req->host >= buf && req->host + req->host_len <= buf + r));
    CHECK(req->version_minor == 0 || req->host != NULL);
    CHECK(req->version_minor == 0 || req->version_minor == 1);
    CHECK(req->nheaders <= HTTP_MAX_HEADERS);
    route_resolve(req, &cfg, &rt);
    CHECK(rt.status >= 200 && rt.status <= 599);
    CHECK(rt.kind != ROUTE_DELAY || (rt.arg <= cfg.max_delay_ms * 1000 && rt.decimals <= 3));
    CHECK(rt.kind != ROUTE_BYTES || rt.arg <= cfg.max_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_request req;
    long whole = http_parse_request((const char *)data, size, &req);
    CHECK(whole >= -505);
    if (whole > 0) {
        check_valid((const char *)data, size, whole, &req);
        CHECK(parse_copy(data, (size_t)whole) == whole);
    } else if (whole < 0) {
        long s = -whole;
        CHECK(s == 400 || s == 414 || s == 431 || s == 501 || s == 505);
    }
    /* Every split point for small inputs (the committed corpus), a spread of them otherwise. */
    size_t step = size <= 512 ? 1 : size / 61 + 1;
    for (size_t cut = 0; cut < size; cut += step) {
        long p = parse_copy(data, cut);
        CHECK(p == 0 || p == whole);
    }
    return 0;
}
