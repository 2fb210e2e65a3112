"""NAME    rellib.py
PURPOSE Shared by the reliability tests: run cvpbench and read its JSON record, the executors with
        the arguments that bound their concurrency, checks that collect failures, and the size
        scale a sanitizer build sets (CVP_TEST_SCALE, from the Makefile)."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mockserver"))
import msutil  # noqa: E402,F401  (re-exported: the mock server helper, not duplicated here)

def registry(binary):
    """What cvpbench offers (`--list --format json`)."""
    out = subprocess.run([binary, "--list", "--format", "json"], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def bounded(binary, width):
    """Every executor in the registry with the arguments that bound its tasks in flight to
    width: its cap where it has one, else its threads (none: it runs one at a time)."""
    out = []
    for e in registry(binary)["executors"]:
        args = ["--concurrency", str(width)] if e["cap"] else \
            ["--threads", str(width)] if e["threads"] else []
        out.append((e["name"], args))
    return out


CLASSES = ["connect", "timeout", "http_status", "reset", "other", "not_run"]

# Sanitizer builds run several times slower; they keep every check but may shrink sizes.
SCALE = float(os.environ.get("CVP_TEST_SCALE", "1"))

_failures = []


def scaled(n, least=1):
    return max(least, int(n * SCALE))


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        _failures.append(what)
    return cond


def finish(msg):
    if _failures:
        print("%d check(s) failed" % len(_failures))
        sys.exit(1)
    print(msg)
    sys.exit(0)


def bench(binary, *args, timeout=120):
    """Runs cvpbench with JSON output; returns (exit code, first record or None, stderr)."""
    p = subprocess.run([binary, "--format", "json", "--quiet", *args], capture_output=True,
                       text=True, timeout=timeout)
    recs = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    return p.returncode, (recs[0] if recs else None), p.stderr


def start_bench(binary, *args):
    """The same, started in the background (for faults injected in the middle of a batch), in
    a process group of its own: pausing it (os.killpg) pauses the worker processes it forked
    too, and nothing else."""
    return subprocess.Popen([binary, "--format", "json", "--quiet", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def record_of(proc, timeout=120):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child only
        out, err = proc.communicate()
    recs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return proc.returncode, (recs[0] if recs else None), err
