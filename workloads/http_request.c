/* NAME    http_request.c
 * PURPOSE One HTTP request as every form of the http workload makes it: the URL (checked by
 *         http_url.c), the options each curl handle shares, and the outcome a finished transfer
 *         leaves. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "batch.h"
#include "http.h"

int http_state_init(struct http_state *s, const struct params *p, char *err, size_t errlen)
{
    const char *base = p->url_base ? p->url_base : getenv("CVP_URL_BASE");
    const char *what = p->url ? "--url" : p->url_base ? "--url-base" : "$CVP_URL_BASE";
    if (!p->url && !base) {
        snprintf(err, errlen,
                 "http needs --url-base http://127.0.0.1:PORT (a running mockserver) "
                 "or --url");
        return -EINVAL;
    }
    s->tasks = p->tasks;
    s->timeout_ms = p->timeout_ms;
    s->reuse = p->reuse;
    s->allow_remote = p->allow_remote;
    char url[sizeof s->url];
    int n;
    if (p->url) {
        n = snprintf(url, sizeof url, "%s", p->url);
        s->latency_ns = 0;
    } else {
        /* The base on its own first, so that an error names what the user gave. */
        if (http_url_check(what, base, s->allow_remote, 1, s->url, sizeof s->url, s->resolve,
                           sizeof s->resolve, err, errlen) != 0)
            return -EINVAL;
        size_t blen = strlen(base);
        while (blen > 0 && base[blen - 1] == '/')
            blen--; /* "http://h:p/" and "http://h:p" mean the same server */
        /* The mock server's /delay takes milliseconds with up to three decimals. */
        long ms = p->latency_us / 1000, us = p->latency_us % 1000;
        n = us ? snprintf(url, sizeof url, "%.*s/delay/%ld.%03ld", (int)blen, base, ms, us)
               : snprintf(url, sizeof url, "%.*s/delay/%ld", (int)blen, base, ms);
        s->latency_ns = p->latency_us * 1000L;
    }
    if (n < 0 || (size_t)n >= sizeof url) {
        snprintf(err, errlen, "%s is too long (at most %zu bytes with the path)", what,
                 sizeof url - 1);
        return -EINVAL;
    }
    if (http_url_check(what, url, s->allow_remote, 0, s->url, sizeof s->url, s->resolve,
                       sizeof s->resolve, err, errlen) != 0)
        return -EINVAL;
    if (s->resolve[0] && !(s->resolve_list = curl_slist_append(NULL, s->resolve))) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    return 0;
}

void http_state_fini(struct http_state *s)
{
    curl_slist_free_all(s->resolve_list);
    s->resolve_list = NULL;
}

static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userp)
{
    *(int64_t *)userp += (int64_t)(size * nmemb);
    return size * nmemb;
}

/* CURLOPT_SOCKOPTFUNCTION: close with a reset instead of leaving the socket in TIME_WAIT.
 * Ten thousand connections per run would otherwise hold loopback's 28,000 ephemeral ports for a
 * minute, and the next run could not connect at all. */
static int no_time_wait(void *userp, curl_socket_t fd, curlsocktype purpose)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    if (purpose == CURLSOCKTYPE_IPCXN) setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    return CURL_SOCKOPT_OK;
}

/* CURLOPT_XFERINFOFUNCTION: a thread blocked in curl_easy_perform gives up when its batch has
 * stopped (--fail-fast, a deadline). curl calls this about once a second while it waits, and
 * on every bit of progress: a blocking request can be abandoned, but not at once. */
static int abort_if_stopping(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                             curl_off_t ulnow)
{
    return batch_stopping();
}

/* CURLOPT_OPENSOCKETFUNCTION: the last word on where a task connects. The URL was checked, but
 * this sees the address itself, whatever led to it. */
static curl_socket_t open_checked(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    const struct http_state *s = clientp;
    if (purpose != CURLSOCKTYPE_IPCXN || !http_address_allowed(&a->addr, s->allow_remote))
        return CURL_SOCKET_BAD; /* curl reports "Couldn't connect" */
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

int http_easy_setup(const struct http_state *s, CURL *easy, int64_t *bytes_counter)
{
    int bad = 0;
    bad |= curl_easy_setopt(easy, CURLOPT_URL, s->url) != CURLE_OK;
    /* http only, redirects not followed (and never to another protocol if they were). */
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
    bad |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http") != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http") != CURLE_OK;
#else
    bad |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTP) != CURLE_OK;
#endif
    bad |= curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_checked) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, (void *)s) != CURLE_OK;
    if (s->resolve_list)
        bad |= curl_easy_setopt(easy, CURLOPT_RESOLVE, s->resolve_list) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK; /* threads + timeouts */
    bad |= curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, count_bytes) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_WRITEDATA, bytes_counter) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, s->timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_PROXY, "") != CURLE_OK;         /* never via a proxy */
    bad |= curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 4096L) != CURLE_OK; /* small bodies */
    bad |= curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, no_time_wait) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, abort_if_stopping) != CURLE_OK;
    bad |= curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
    if (!s->reuse) {
        bad |= curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK;
        bad |= curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK;
    }
    return bad ? -1 : 0;
}


/* An outcome's message is a static string: one per status code, made before main (and so
 * before any thread), so a failed request names its code ("HTTP 503 status"). */
static char status_text[600][20];

__attribute__((constructor)) static void status_text_init(void)
{
    for (int k = 100; k < 600; k++)
        snprintf(status_text[k], sizeof status_text[k], "HTTP %d status", k);
}

void http_classify(const struct http_state *s, CURL *easy, CURLcode rc, int64_t bytes,
                   struct outcome *o)
{
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    o->status = (int16_t)status;
    o->bytes = bytes;
    switch (rc) {
    case CURLE_OK:
        break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        outcome_fail(o, OUT_CONNECT, curl_easy_strerror(rc));
        return;
    case CURLE_OPERATION_TIMEDOUT:
        outcome_fail(o, OUT_TIMEOUT, curl_easy_strerror(rc));
        return;
    case CURLE_ABORTED_BY_CALLBACK: { /* the batch stopped: cancelled, on the loop or not */
        long sent = 0;
        curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent);
        outcome_fail(o, OUT_CANCELLED,
                     sent > 0 ? "cancelled after the request was sent"
                              : "cancelled before the request was sent");
        if (sent > 0) o->flags |= OUTF_SENT;
        return;
    }
    case CURLE_RECV_ERROR:   /* reset mid-response (56), even when the status read 200 */
    case CURLE_SEND_ERROR:   /* 55 */
    case CURLE_GOT_NOTHING:  /* 52: closed before any response */
    case CURLE_PARTIAL_FILE: /* 18: closed before the whole body */
        outcome_fail(o, OUT_RESET, curl_easy_strerror(rc));
        return;
    default:
        outcome_fail(o, OUT_OTHER, curl_easy_strerror(rc));
        return;
    }
    if (status < 200 || status > 299) {
        outcome_fail(o, OUT_HTTP_STATUS,
                     status >= 100 && status <= 599 ? status_text[status] : "HTTP status not 2xx");
        return;
    }
    curl_off_t want = -1;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &want);
    if (want >= 0 && want != bytes) {
        outcome_fail(o, OUT_OTHER, "body length differs from Content-Length");
        return;
    }
    o->cls = OUT_OK;
}
