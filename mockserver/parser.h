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
    const char *path; /* target up to '?', always starts with '/' */
    size_t path_len;
    const char *query; /* after '?', NULL when there is no '?' */
    size_t query_len;
    int version_minor;       /* 0 or 1: HTTP/1.0 or HTTP/1.1 */
    int nheaders;            /* header fields seen */
    uint64_t content_length; /* in bytes; 0 when absent */
    unsigned has_content_length : 1;
    unsigned has_transfer_encoding : 1;
    unsigned has_host : 1;
    unsigned conn_close : 1;      /* "Connection: close" seen */
    unsigned conn_keep_alive : 1; /* "Connection: keep-alive" seen */
};

/* Parses the request head at buf[0..len).
 * Returns the head's length in bytes (> 0) when it is complete and valid, 0 when it is valid so
 * far but incomplete, or a negated HTTP status when it is invalid: -400 (malformed, bare LF,
 * missing Host on HTTP/1.1, ...), -414, -431, -501 (Transfer-Encoding: bodies are delimited by
 * Content-Length only) or -505 (a well-formed version other than 1.0 and 1.1).
 * Split invariance: for any prefix, the result is 0 or the result for the whole input. */
long http_parse_request(const char *buf, size_t len, struct http_request *req);

#endif
