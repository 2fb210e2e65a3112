/* NAME    curl_loop.h
 * PURPOSE libcurl transfers on a libuv loop (curl's multi-uv.c pattern), for the http workload's
 *         non-blocking form. Everything about curl that the loop needs lives behind this: the
 *         multi handles, their sockets and timers, and which handle a transfer runs on.
 *
 * libcurl 7.88 walks every connection of a multi handle on each transfer, so ten thousand
 * connections in one handle cost a hundred million steps: transfers are spread over multi handles
 * ("shards") of at most CURL_LOOP_SHARD_CONNS connections each. Connections are reused within a
 * shard only, so a transfer that ends hands its slot, and with it the connection it leaves idle,
 * to the next transfer that starts: no shard has more transfers in flight than slots, all of
 * them no more connections than there are transfers in flight, and keep-alive still holds. */
#ifndef CVP_CURL_LOOP_H
#define CVP_CURL_LOOP_H

#include <curl/curl.h>
#include <uv.h>

#define CURL_LOOP_SHARD_CONNS 256 /* connections per curl multi handle, at most */

/* Embed this in a transfer's own struct and point CURLOPT_PRIVATE at it: when curl reports the
 * transfer done, the loop removes the easy handle from its multi handle and calls
 * done(x, result). */
struct curl_xfer {
    void (*done)(struct curl_xfer *x, CURLcode result);
    int shard; /* the multi handle it runs on (set by curl_loop_add) */
    int slot;  /* 1 while it holds one of that handle's slots */
    CURL *easy;                      /* while active */
    struct curl_xfer *prev, *next; /* the loop's active transfers */
};

struct curl_loop;

/* Multi handles for up to max_in_flight transfers at once on loop. reuse: keep connections
 * alive between transfers (else each transfer opens and closes its own). Returns NULL when curl
 * cannot make a multi handle or memory runs out. */
struct curl_loop *curl_loop_new(uv_loop_t *loop, long max_in_flight, int reuse);
/* Starts easy (whose CURLOPT_PRIVATE is x) on the loop. Returns CURLM_OK or curl's error; on
 * an error nothing was started and x->done will not be called. */
CURLMcode curl_loop_add(struct curl_loop *cl, struct curl_xfer *x, CURL *easy);
/* Ends every active transfer: each is removed from its multi handle and its done() is called
 * with CURLE_ABORTED_BY_CALLBACK (a cancellation). */
void curl_loop_cancel_all(struct curl_loop *cl);
/* Closes the cached connections, timers and poll handles; the loop must run once more, and
 * cl's memory goes with the last of them. No transfer may be in flight. */
void curl_loop_free(struct curl_loop *cl);

#endif
