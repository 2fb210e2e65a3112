"""NAME    browser.py
PURPOSE Load a page in headless Chromium and report what a reader's browser would: every console
        message, uncaught exception, log entry (CSP violations, failed loads) and network
        request, the result of measuring the laid-out page, and a full-page screenshot.

It speaks the DevTools protocol over --remote-debugging-pipe (JSON messages ending in a NUL byte,
commands on fd 3, replies and events on fd 4): no port to pick, no polling of log files, and
every message arrives with its level. Standard library only.
USAGE   with Browser(chromium_path) as b: result = b.load(url, measure_js, screenshot_path)
"""
import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]
WIDTH = 1280
MAX_SHOT_PX = 16000  # Chromium cannot capture a single bitmap much taller than 16384 px


class BrowserError(Exception):
    pass


def _high(fds):
    """The pair of descriptors moved to 10 and above (and closed where they were)."""
    out = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return out


class Browser:
    def __init__(self, binary, timeout_s=60):
        self.binary, self.timeout_s = binary, timeout_s
        self.events = queue.Queue()
        self.replies = {}
        self.cond = threading.Condition()
        self.next_id = 0

    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="cvp-chromium-")
        cmd_r, self.cmd_w = _high(os.pipe())  # we write commands; Chromium reads them on fd 3
        self.res_r, res_w = _high(os.pipe())  # Chromium writes on fd 4; we read
        # bash puts the two pipe ends on fds 3 and 4, where Chromium expects them (the ends sit
        # at 10 and above, so neither is 3 or 4; dash cannot name fds above 9).
        argv = ["bash", "-c", f'exec "$0" "$@" 3<&{cmd_r} 4>&{res_w} {cmd_r}<&- {res_w}>&-',
                self.binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, pass_fds=(cmd_r, res_w), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.stderr)
        os.close(cmd_r)
        os.close(res_w)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def __exit__(self, *exc):
        try:
            self._send("Browser.close", timeout_s=5)
        except BrowserError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_w)
        shutil.rmtree(self.profile, ignore_errors=True)

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.res_r, 65536)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self.cond:
                        self.replies[msg["id"]] = msg
                        self.cond.notify_all()
                else:
                    self.events.put(msg)
        os.close(self.res_r)
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _send(self, method, params=None, session=None, timeout_s=None):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        with self.cond:
            while mid not in self.replies:
                left = deadline - time.monotonic()
                if left <= 0 or getattr(self, "closed", False):
                    raise BrowserError(f"no reply to {method} (Chromium: "
                                       f"{self.stderr_text()[-400:]})")
                self.cond.wait(left)
            reply = self.replies.pop(mid)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def _wait_event(self, method, seen):
        """Collects events into seen until `method` arrives; returns it."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"timed out waiting for {method}")
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            seen.append(ev)
            if ev.get("method") == method:
                return ev

    def load(self, url, measure_js, screenshot=None, tiles=None, width=WIDTH, height=1000):
        """Loads url in a width x height window (WIDTH px wide unless told); returns {"events":
        [...], "measured": value of measure_js, "height": the page's height in px}. Writes a
        full-page PNG when screenshot is a path, and a PNG of each (y, height, path) in tiles
        (to look at a long page part by part; (0, height, path) is the first screen)."""
        win_h = height
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self._send(f"{domain}.enable", session=sid)
        self._send("Emulation.setDeviceMetricsOverride", {"width": width, "height": win_h,
                                                          "deviceScaleFactor": 1,
                                                          "mobile": False}, session=sid)
        seen = []
        self._send("Page.navigate", {"url": url}, session=sid)
        self._wait_event("Page.loadEventFired", seen)
        value = self._send("Runtime.evaluate", {"expression": measure_js, "returnByValue": True},
                           session=sid).get("result", {}).get("value")
        size = self._send("Page.getLayoutMetrics", session=sid)["cssContentSize"]
        height = int(size["height"])
        for i, (y, h, path) in enumerate(tiles or ()):
            shot = self._send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": y, "width": width, "height": h, "scale": 1}}, session=sid)
            with open(path, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        if screenshot:
            shot = self._send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_PX),
                         "scale": 1}}, session=sid)
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        # Whatever arrived while measuring counts too.
        while not self.events.empty():
            seen.append(self.events.get())
        return {"events": seen, "measured": value, "height": height}


def problems(events):
    """What a reader's console would show as wrong: exceptions, console.error/warn/assert (the
    report runs no script, so any console call at all is listed), log entries at warning or
    error level (CSP violations, failed loads), and requests that leave the machine."""
    out = []
    for ev in events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append(f"exception: {d.get('text', '?')} "
                       f"{d.get('exception', {}).get('description', '')}".strip())
        elif m == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append(f"console.{p.get('type')}: {args}")
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("warning", "error"):
            e = p["entry"]
            out.append(f"log {e['level']} ({e.get('source')}): {e.get('text')} {e.get('url', '')}")
        elif m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                out.append(f"network request: {url}")
        elif m == "Network.loadingFailed":
            out.append(f"load failed: {p.get('errorText') or p.get('blockedReason') or '?'}")
    return out
