"""NAME    server.py
PURPOSE Start the mock server on a free loopback port and stop exactly that process.

The server runs in its own session so a Ctrl-C on the terminal reaches the driver only, which
then stops the server itself (SIGTERM, then SIGKILL after a grace period) and waits for it, so no
orphan is left on any exit path. PR_SET_PDEATHSIG also asks the kernel to send SIGTERM should the
driver die without running its clean-up (SIGKILL).
"""
import ctypes
import os
import signal
import subprocess
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the driver's own clean-up still stops the server


class MockServer:
    def __init__(self, binary, workdir, ready_timeout_s=10.0, args=()):
        self.binary = binary
        self.args = list(args)  # more of the server's options, e.g. --max-delay-ms
        self.port_file = os.path.join(workdir, "mockserver.port")
        self.log_path = os.path.join(workdir, "mockserver.log")
        self.timeout = ready_timeout_s
        self.proc = None
        self.port = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        if os.path.exists(self.port_file):
            os.remove(self.port_file)
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "--port", "0", "--port-file", self.port_file, *self.args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mockserver exited with status {self.proc.returncode} "
                                   f"before it was ready (see {self.log_path})")
            port = self._read_port()
            if port:
                self.port = port
                return f"http://127.0.0.1:{port}"
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"mockserver wrote no port to {self.port_file} within {self.timeout:.0f} s")

    def _read_port(self):
        # The server writes the file atomically, so a partial number is never seen; still,
        # accept only a whole, plausible port.
        try:
            with open(self.port_file) as f:
                text = f.read().strip()
        except FileNotFoundError:
            return None
        return int(text) if text.isdigit() and 0 < int(text) < 65536 else None

    def stop(self, grace_s=5.0):
        """Stops the process we started (never anything found by name); safe to call twice."""
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
