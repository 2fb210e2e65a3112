"""NAME    cvpurl.py
PURPOSE The loopback rule of the Python reference programs (and curl-parallel), the same as
        cvpbench's (workloads/http_url.c) and node's: only http, no user information, and a
        loopback host (an IPv4 address in 127.0.0.0/8 in any form curl reads: 127.1,
        2130706433, 0x7f.1, 0177.0.0.1, percent-encoded; [::1]; or localhost), unless
        --allow-remote, which relaxes the host rule alone. A DNS name other than localhost is
        never looked up: it is refused before anything runs. The URL is read by one strict
        grammar, not by the client's own parser (httpx, aiohttp, curl and Node's each read
        "http://127.0.0.1@10.0.0.1/" or "http://127.0.0.1\\@10.0.0.1/" their own way), and
        the client is handed the URL rebuilt from what was read: "http://" + the address as a
        literal (localhost: 127.0.0.1, as cvpbench maps it) + the port + the rest, so every
        client dials what was checked. The cases: tests/reference/url_cases.json.
USAGE   fetch = cvpurl.check("--url", text, allow_remote, base=False)  (ValueError: one line)"""
import ipaddress
import os
import re

SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?")
PORT_MSG = "Port number was not a decimal number between 0 and 65535"


def _bad_byte(what, raw, where=""):
    """Spaces, control characters (CR, LF: header injection) and bytes beyond ASCII are never
    sent as they are: the message says where and how to percent-encode it."""
    for k, c in enumerate(raw):
        if c <= 0x20 or c >= 0x7f:
            kind = ("space" if c == 0x20 else "control character" if c < 0x20 or c == 0x7f
                    else "byte beyond ASCII")
            raise ValueError(f"{what}{where} has a {kind} at byte {k}: percent-encode it "
                             f"(%{c:02X})")


def _ipv4(host):
    """The address of host read as curl (and inet_aton) read IPv4: 1 to 4 parts, each decimal,
    octal (a leading 0) or hex (0x), the last filling the bytes left; None when it is not one."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    vals = []
    for p in parts:
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", p):
            v = int(p[2:], 16)
        elif re.fullmatch(r"0[0-7]*", p):
            v = int(p, 8) if len(p) > 1 else 0
        elif re.fullmatch(r"[1-9][0-9]*", p):
            v = int(p)
        else:
            return None
        vals.append(v)
    last_bits = 8 * (5 - len(vals))
    if any(v > 255 for v in vals[:-1]) or vals[-1] >= 1 << last_bits:
        return None
    addr = 0
    for v in vals[:-1]:
        addr = addr << 8 | v
    addr = addr << last_bits | vals[-1]
    return ipaddress.IPv4Address(addr)


def _decode_host(what, url, host):
    """A percent-encoded host decoded (curl decodes it), and checked as the URL was."""
    if "%" not in host:
        return host
    raw = bytearray()
    k = 0
    while k < len(host):
        if host[k] == "%":
            if not re.fullmatch(r"[0-9a-fA-F]{2}", host[k + 1:k + 3]):
                raise ValueError(f"{what} '{url}' is not a valid URL: a bad percent-encoding in "
                                 "its host")
            raw.append(int(host[k + 1:k + 3], 16))
            k += 3
        else:
            raw.append(ord(host[k]))
            k += 1
    _bad_byte(what, bytes(raw), " (its host decoded)")
    return raw.decode("ascii")


def check(what, text, allow_remote=False, base=False, remote_hint=True):
    """The URL a client may fetch for text (what: the option, for the message), or ValueError
    with one line saying why not (remote_hint: name --allow-remote there, for a program that
    has it)."""
    raw = os.fsencode(text)  # the bytes given, even those that are not UTF-8
    if not raw:
        raise ValueError(f"{what} is empty: give http://127.0.0.1:PORT")
    if len(raw) > 2047:
        raise ValueError(f"{what} is too long ({len(raw)} bytes; at most 2047)")
    _bad_byte(what, raw)
    url = raw.decode("ascii")
    m = SCHEME.match(url)
    if not m:
        raise ValueError(f"{what} '{url}' must start with http://")
    if m.group(1).lower() != "http":
        raise ValueError(f"{what} '{url}' must start with http:// (got {m.group(1).lower()})")
    rest = url[m.end():]
    # curl takes "http:///h" (and "http:/h"): one grammar, two slashes.
    if rest[:1] in ("/", "\\"):
        raise ValueError(f"{what} '{url}' must start with http://")
    end = len(rest)
    for c in "/?#":
        if c in rest:
            end = min(end, rest.index(c))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        raise ValueError(f"{what} '{url}' has user information (before an '@'): not allowed, "
                         "since it hides which host is meant")
    if "\\" in authority:
        raise ValueError(f"{what} '{url}' has a backslash in its host part: not allowed, since "
                         "clients read it differently")
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise ValueError(f"{what} '{url}' is not a valid URL: no ']' after the IPv6 address")
        host, after = authority[:close + 1], authority[close + 1:]
        if after and not after.startswith(":"):
            raise ValueError(f"{what} '{url}' is not a valid URL: text after the IPv6 address")
        port = after[1:] if after else None
    else:
        host, sep, port = authority.partition(":")
        port = port if sep else None
    if not host:
        raise ValueError(f"{what} '{url}' is not a valid URL: no host")
    if port is not None and port and not re.fullmatch(r"[0-9]+", port):
        raise ValueError(f"{what} '{url}' is not a valid URL: {PORT_MSG}")
    if port and int(port) > 65535:
        raise ValueError(f"{what} '{url}' is not a valid URL: {PORT_MSG}")

    if host.startswith("["):
        inner = host[1:-1]
        if "%" in inner:
            raise ValueError(f"{what} '{url}' needs a host without a zone id")
        try:
            addr = ipaddress.IPv6Address(inner)
        except ValueError:
            raise ValueError(f"{what} '{url}' is not a valid URL: a bad IPv6 address") from None
        loopback, literal = addr == ipaddress.IPv6Address("::1"), f"[{addr.compressed}]"
    else:
        host = _decode_host(what, url, host)
        addr = _ipv4(host)
        if addr is not None:
            loopback, literal = addr.is_loopback, str(addr)
        elif host.lower() == "localhost":
            loopback, literal = True, "127.0.0.1"  # as cvpbench maps it: never a lookup
        elif NAME.fullmatch(host):
            loopback, literal = False, host
        else:
            raise ValueError(f"{what} '{url}' is not a valid URL: a bad host name")
    if not loopback and not allow_remote:
        raise ValueError(f"{what} host '{host}' is not on loopback (127.0.0.0/8, [::1] or "
                         "localhost): this suite only loads servers on this machine"
                         + (" (--allow-remote: your own service)" if remote_hint else ""))
    if port is not None and port and int(port) == 0:
        raise ValueError(f"{what} '{url}': port 0 is not in 1-65535")
    if base and ("?" in tail or "#" in tail):
        raise ValueError(f"{what} '{url}' is a server to add paths to: no '?' or '#'")
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"http://{literal}{':' + str(int(port)) if port else ''}{tail}"
