/* NAME    response.c
 * PURPOSE Status lines, reason phrases and the few headers the mock server sends. */
#include "response.h"

#include <string.h>

const char *response_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

size_t response_u64(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

#define PUT(s)                                                                                     \
    do {                                                                                           \
        size_t l_ = strlen(s);                                                                     \
        memcpy(buf + n, s, l_);                                                                    \
        n += l_;                                                                                   \
    } while (0)

size_t response_head(char *buf, const struct response_head_args *a)
{
    size_t n = 0;
    PUT("HTTP/1.1 ");
    n += response_u64(buf + n, (uint64_t)a->status);
    buf[n++] = ' ';
    PUT(response_reason(a->status));
    if (a->content_type) {
        PUT("\r\nContent-Type: ");
        PUT(a->content_type);
        PUT("\r\nContent-Length: ");
        n += response_u64(buf + n, a->content_length);
    }
    if (a->close)
        PUT("\r\nConnection: close");
    else if (a->keep_alive_10)
        PUT("\r\nConnection: keep-alive");
    if (a->status == 405)
        PUT(a->allow_post ? "\r\nAllow: GET, HEAD, POST" : "\r\nAllow: GET, HEAD");
    if (a->status == 503) PUT("\r\nRetry-After: 1");
    PUT("\r\n\r\n");
    return n;
}
