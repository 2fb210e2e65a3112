/* NAME    parser.h
 * PURPOSE A strict HTTP/1.1 request-head parser: a pure function over a byte range, parsing in
 *         place (no allocation, no copies), so the server, the tests and the fuzzer share it. */
#ifndef MS_PARSER_H
#define MS_PARSER_H

#include <stddef.h>
#include <stdint.h>

/* Limits from the reliability notes; every offset counts from the first byte of the buffer,
 * including any empty lines skipped before the request line. */
#define HTTP_MAX_LINE    8192  /* request line, CRLF included, in bytes: longer gives 414 */
#define HTTP_MAX_HEAD    32768 /* whole head, final CRLF included, in bytes: longer gives 431 */
#define HTTP_MAX_HEADERS 100   /* header fields: more gives 431 */

struct http_request {
    const char *method; /* points into the parsed buffer; not NUL-terminated */
    size_t method_len;
    const char *target; /* the request-target as sent (origin-form or absolute-form) */
    size_t target_len;
    const char *path; /* target's path up to '?', always starts with '/' (a static "/" when an
                       * absolute-form target has an empty path) */
    size_t path_len;
    const char *query; /* after '?', NULL when there is no '?' */
    size_t query_len;
    const char *host; /* the absolute-form authority, else the Host value; NULL when neither */
    size_t host_len;
    int version_minor;       /* 0 or 1: HTTP/1.0 or HTTP/1.1 */
    int nheaders;            /* header fields seen */
    uint64_t content_length; /* in bytes; 0 when absent */
    unsigned has_content_length : 1;
    unsigned has_transfer_encoding : 1;
    unsigned has_host : 1;
    unsigned absolute_form : 1;   /* the target was http://authority[path][?query] */
    unsigned conn_close : 1;      /* "close" among the Connection tokens */
    unsigned conn_keep_alive : 1; /* "keep-alive" among the Connection tokens */
    unsigned expect_continue : 1; /* "100-continue" among the Expect members */
    unsigned expect_other : 1;    /* any other Expect member (answered 417 on HTTP/1.1) */
};

/* Parses the request head at buf[0..len).
 * Returns the head's length in bytes (> 0) when it is complete and valid, 0 when it is valid so
 * far but incomplete, or a negated HTTP status when it is invalid: -400 (malformed, bare LF,
 * missing Host on HTTP/1.1, a Host or absolute-form authority that is not uri-host [":" port],
 * ...), -414, -431, -501 (Transfer-Encoding: bodies are delimited by
 * Content-Length only) or -505 (a well-formed version other than 1.0 and 1.1).
 * Split invariance: for any prefix, the result is 0 or the result for the whole input. */
long http_parse_request(const char *buf, size_t len, struct http_request *req);

#endif
