"""NAME    cvphttp.py
PURPOSE What the HTTP reference programs share: one outcome class per response or failure, as
        cvpbench classifies them (connect, timeout, http_status, reset, other), and the httpx
        calls and connection pool of the httpx programs.
USAGE   t.done(i, t0, *cvphttp.httpx_get(client, url))"""
from cvprun import CONNECT, HTTP_STATUS, OK, OTHER, RESET, TIMEOUT

_EXC_CLASSES = {
    # httpx
    "ConnectError": CONNECT, "ConnectTimeout": CONNECT, "TimeoutException": TIMEOUT,
    "RemoteProtocolError": RESET, "ReadError": RESET, "WriteError": RESET,
    # aiohttp
    "ClientConnectorError": CONNECT, "ServerTimeoutError": TIMEOUT,
    "ServerDisconnectedError": RESET, "ClientPayloadError": RESET,
    # the standard library
    "ConnectionRefusedError": CONNECT, "TimeoutError": TIMEOUT, "ConnectionResetError": RESET,
    "BrokenPipeError": RESET, "IncompleteRead": RESET,
}


def classify(exc):
    """(class, message) of an exception from any of the clients: the most derived known name."""
    for t in type(exc).__mro__:
        if t.__name__ in _EXC_CLASSES:
            return _EXC_CLASSES[t.__name__], f"{t.__name__}: {exc}"[:200]
    return OTHER, f"{type(exc).__name__}: {exc}"[:200]


def classify_http(status, body_len, content_length):
    """(class, message) of a response that arrived, as cvpbench's http_classify."""
    if not 200 <= status <= 299:
        return HTTP_STATUS, f"HTTP {status}"
    if content_length is not None and int(content_length) != body_len:
        return OTHER, "body length differs from Content-Length"
    if body_len <= 0:
        return OTHER, "empty body"
    return OK, None


def httpx_get(client, url):
    """(class, message) of one GET with an httpx.Client (or any client with the same API)."""
    try:
        r = client.get(url)
        return classify_http(r.status_code, len(r.content), r.headers.get("content-length"))
    except Exception as e:  # every failure is an outcome, never the end of the run
        return classify(e)


async def httpx_get_async(client, url):
    """The same with an httpx.AsyncClient."""
    try:
        r = await client.get(url)
        return classify_http(r.status_code, len(r.content), r.headers.get("content-length"))
    except Exception as e:
        return classify(e)


def httpx_limits(httpx, run, cap):
    """The connection pool for a cap of `cap` requests in flight (0: none). httpx's default pool
    (100 connections, 20 kept alive) would add a cap the reader's code never chose, so the pool
    follows the program's own cap; recorded in the context."""
    run.context["httpx_limits"] = {"max_connections": cap or None,
                                   "max_keepalive_connections": cap or None,
                                   "default_would_be": "100 connections, 20 kept alive"}
    return httpx.Limits(max_connections=cap or None, max_keepalive_connections=cap or None)
