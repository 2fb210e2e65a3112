#!/usr/bin/env python3
"""NAME    test_hardening.py
PURPOSE cvpbench against a hostile user (issue 17): every refusal is one line on stderr, exit 2,
        nothing on stdout, and comes before any work (no connection, no thread, no file); what
        is allowed still works. URLs are read as curl reads them (user information, DNS names,
        bytes, ports), --allow-remote is parsed but never used to leave loopback.
USAGE   test_hardening.py CVPBENCH MOCKSERVER"""
import json
import os
import resource
import shutil
import signal
import stat
import threading
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "mockserver"))
import msutil  # noqa: E402

BIN, MOCK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
STRACE = shutil.which("strace")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def run(*args, timeout=60, **kw):
    t = time.monotonic()
    r = subprocess.run([BIN, *args], capture_output=True, timeout=timeout, **kw)
    r.elapsed = time.monotonic() - t
    r.err = r.stderr.decode("utf-8", "replace")
    return r


def refused(args, needle, label=None, within=5.0, **kw):
    """Exit 2, one stderr line naming needle, nothing on stdout, quickly."""
    r = run(*args, **kw)
    lines = r.stderr.splitlines()
    label = label or " ".join(a if len(a) < 60 else a[:57] + "..." for a in args)
    check(r.returncode == 2 and len(lines) == 1 and needle in r.err and r.stdout == b""
          and r.elapsed < within,
          f"{label!r}: exit {r.returncode}, {len(lines)} line(s) naming {needle!r}, "
          f"{len(r.stdout)} bytes on stdout, {r.elapsed:.2f} s: {r.err.strip()[:160]!r}")
    return r


def limited(**limits):
    """A preexec_fn that sets resource limits in the child: limited(AS=1 << 30)."""
    def apply():
        for name, v in limits.items():
            resource.setrlimit(getattr(resource, "RLIMIT_" + name), (v, v))
    return apply


def peak_rss_kib(args, **kw):
    """Runs cvpbench; returns (exit code, stderr, its peak resident set in KiB, seconds)."""
    t = time.monotonic()
    p = subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stderr.close()
    return p.returncode, err.decode("utf-8", "replace"), ru.ru_maxrss, time.monotonic() - t


def syscalls(args, trace):
    """The system calls (strace -f -e trace=...) a run makes: (exit code, lines)."""
    log = os.path.join(TMP, "strace.log")
    # LeakSanitizer cannot run under ptrace: an ASan build leaves leak checks to the other runs.
    env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
    p = subprocess.run([STRACE, "-f", "-qq", "-e", "trace=" + trace, "-o", log, BIN, *args],
                       capture_output=True, timeout=60, env=env)
    with open(log, errors="replace") as f:
        return p.returncode, f.read().splitlines()


TMP = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
TMP = os.path.join(TMP, "cvp-hardening-%d" % os.getpid())
os.makedirs(TMP)

# --- 1 and 6: URLs, as curl reads them -------------------------------------------------------
HTTP = ["-w", "http", "-e", "sequential", "--tasks", "1", "--timeout-ms", "500"]
BYPASS = ["http://127.0.0.1@192.0.2.1:9/", "http://127.0.0.1:80@192.0.2.1:9/",
          "http://127.0.0.1\\@192.0.2.1:9/"]
for url in BYPASS:
    refused(HTTP + ["--url", url], "user information")
refused(HTTP + ["--url", "http://127.evil.example:9/"], "loopback")
refused(HTTP + ["--url", "http://localhost.:9/"], "loopback")
refused(HTTP + ["--url", "http://[::ffff:192.0.2.1]:9/"], "loopback")
refused(HTTP + ["--url", "http://192.0.2.1:9/"], "--allow-remote")
refused(HTTP + ["--url-base", "http://127.0.0.1@192.0.2.1:9"], "--url-base")
refused(["-w", "mixed", "-e", "hybrid", "--url", "http://u:p@127.0.0.1:9/"], "user information")
refused(HTTP, "$CVP_URL_BASE", env=dict(os.environ, CVP_URL_BASE="http://192.0.2.1:9"))
# Bytes that are not a URL's: each refused up front, and the one line stays one line.
for url, needle in [("http://127.0.0.1:9/a b", "space"),
                    ("http://127.0.0.1:9/\r\nX-Injected: 1", "control character"),
                    ("http://127.0.0.1:9/\n", "control character"),
                    ("http://127.0.0.1:9/\x1b[2J", "control character"),
                    ("http://127.0.0.1:9/caf\u00e9", "beyond ASCII"),
                    ("http://127.0.0.1:99999/", "Port"),
                    ("http://127.0.0.1:0/", "port 0"),
                    ("http://[::1%25lo]:9/", "zone"),
                    ("https://127.0.0.1:9/", "http://"),
                    ("ftp://127.0.0.1:9/", "http://"),
                    ("http:///x", "http://"),  # curl would read x as the host
                    ("", "empty"),
                    ("http://127.0.0.1:9/" + "x" * 3000, "too long")]:
    refused(HTTP + ["--url", url], needle, label=f"--url {url[:40]!r}")
refused(HTTP + ["--url", b"http://127.0.0.1:9/\xff\xfe".decode("latin-1")], "beyond ASCII",
        label="--url with bytes that are not UTF-8")
r = run(*HTTP, "--url", "x\r\ny\x1b\xff")
check(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and b"\x1b" not in r.stderr
      and b"\r" not in r.stderr, f"a hostile argument is echoed escaped on one line: {r.stderr!r}")
refused(HTTP + ["--url-base", "http://127.0.0.1:9/?q=1"], "no '?'")

# --allow-remote: parsed, read by http and mixed only, and it relaxes the host rule alone.
r = run("--allow-remote", "--help")
check(r.returncode == 0 and b"--allow-remote" in r.stdout, "--allow-remote is an option")
refused(["-w", "sleep", "-e", "sequential", "--allow-remote", "--strict"], "does not apply")
refused(HTTP + ["--allow-remote", "--url", "http://u@192.0.2.1:9/"], "user information")
refused(HTTP + ["--allow-remote", "--url", "ftp://192.0.2.1:9/"], "http://")
refused(HTTP + ["--allow-remote", "--url", "http://192.0.2.1:9/ x"], "space")
listing = json.loads(run("--list", "--format", "json").stdout)
readers = {p["name"]: sorted(p["workloads"]) for p in listing["params"]}
check(readers.get("allow-remote") == ["http", "mixed"], f"allow-remote is read by http and mixed "
                                                       f"({readers.get('allow-remote')})")

with msutil.Server(MOCK) as srv:
    port = srv.port
    # Loopback in every form curl accepts, with and without --allow-remote (loopback only).
    for url, extra in [(f"http://localhost:{port}/delay/1", []),
                       (f"http://127.1:{port}/delay/1", []),
                       (f"http://127.0.0.1:{port}/get?q=%22", ["--allow-remote"])]:
        r = run(*HTTP, "--url", url, "--format", "json", "--quiet", *extra)
        rec = json.loads(r.stdout.splitlines()[0]) if r.returncode == 0 else {}
        check(r.returncode == 0 and rec.get("ok") == 1
              and rec["params"]["allow_remote"] == bool(extra),
              f"{url} {extra}: fetched ({r.err.strip()[:120]})")
    # Quotes and backslashes are a URL's to have; the JSON record carries them escaped, intact.
    url = f"http://127.0.0.1:{port}/get?q=\"\\'<>"
    r = run(*HTTP, "--url", url, "--format", "json", "--quiet")
    rec = json.loads(r.stdout.splitlines()[0]) if r.stdout else {}
    check(r.returncode == 0 and rec.get("params", {}).get("url") == url,
          f"{url!r} round-trips through the JSON record ({r.err.strip()[:120]})")
    for ex in ("event-loop", "thread-pool"):
        r = run("-w", "http", "-e", ex, "--url-base", f"http://localhost:{port}", "--tasks", "4",
                "--latency-ms", "1", "--quiet")
        check(r.returncode == 0, f"--url-base http://localhost under {ex}: {r.err.strip()[:120]}")
    # Even user information in front of the live server itself is refused, before any request.
    srv.reset_stats()
    for url in (f"http://x@127.0.0.1:{port}/", f"http://127.0.0.1:{port}@127.0.0.1:{port}/"):
        refused(HTTP + ["--url", url], "user information")
    check(srv.stats()["requests"] == 0, "the refused URLs sent nothing to the live server")

    if STRACE:
        # localhost is ours to map: no hosts file, no resolver, no DNS, one connect to 127.0.0.1.
        rc, lines = syscalls(HTTP + ["--url", f"http://localhost:{port}/delay/1", "--quiet"],
                             "openat,connect,sendto")
        text = "\n".join(lines)
        connects = [x for x in lines if " connect(" in x]
        check(rc == 0 and "/etc/hosts" not in text and "resolv.conf" not in text
              and "htons(53)" not in text and connects
              and all(f"htons({port})" in x and "127.0.0.1" in x for x in connects),
              f"localhost without a lookup: {len(connects)} connect(s) to 127.0.0.1:{port}")
        # A refused URL connects nowhere at all.
        for url in BYPASS[:2] + ["http://127.evil.example:9/"]:
            rc, lines = syscalls(HTTP + ["--url", url], "connect,sendto")
            check(rc == 2 and not any(" connect(" in x or "sendto(" in x for x in lines),
                  f"{url}: no connect and no datagram before exit 2")
    else:
        print("skip: strace not installed (the no-lookup and no-connect checks)")

# --- 2 and 8: threads, stacks and memory this machine cannot give, refused with the figures ---
SANITIZED = json.loads(run("-w", "noop", "-e", "sequential", "--tasks", "1", "--format",
                           "json").stdout.splitlines()[0])["context"]["sanitize"]
for args in (["-w", "noop", "-e", "openmp", "--threads", "100000"],
             ["-w", "noop", "-e", "thread-pool", "--threads", "100000"],
             ["-w", "noop", "-e", "hybrid", "--threads", "100000"],
             ["-w", "noop", "-e", "openmp", "--concurrency", "10000000"],
             ["-w", "sleep", "-e", "thread-pool", "--concurrency", "10000000"],
             ["-w", "noop", "-e", "thread-pool:threads=30000,openmp:threads=30000"]):
    r = refused(args, "threads")
    check(r.returncode >= 0, f"{' '.join(args)}: no signal ({r.returncode})")
# Stacks beyond the memory available: 1 GiB stacks, one more thread than there are GiB free.
with open("/proc/meminfo") as f:
    avail_gib = int(next(x for x in f if x.startswith("MemAvailable:")).split()[1]) >> 20
r = refused(["-w", "noop", "-e", "openmp", "--threads", str(avail_gib + 2)], "available",
            env=dict(os.environ, OMP_STACKSIZE="1G"))
check(f"{avail_gib + 2} threads x 1 GiB stacks need" in r.err, f"the figures: {r.err.strip()}")
# A hundred million tasks: refused with the figures, before allocating them (outcomes, timers,
# curl handles), in well under a second.
for args, needle in ((["-w", "sleep", "-e", "event-loop", "--tasks", "100000000"], "outcome"),
                     (["-w", "http", "-e", "event-loop", "--tasks", "100000000", "--url-base",
                       "http://127.0.0.1:9"], "in flight x 16 KiB on the loop"),
                     (["-w", "mixed", "-e", "hybrid", "--tasks", "100000000", "--url-base",
                       "http://127.0.0.1:9"], "in flight")):
    rc, err, rss, secs = peak_rss_kib(args)
    check(rc == 2 and needle in err and "available" in err and len(err.splitlines()) == 1
          and rss < 200 * 1024 and secs < 2,
          f"{' '.join(args)}: exit {rc} in {secs:.2f} s, peak RSS {rss >> 10} MiB: {err.strip()}")
# The address space (ulimit -v), which sanitizers need unlimited.
if SANITIZED:
    print(f"skip: ulimit -v cases under -fsanitize={SANITIZED}")
else:
    for args in (["-w", "noop", "-e", "openmp", "--threads", "200"],
                 ["-w", "sleep", "-e", "event-loop", "--tasks", "10000000"]):
        refused(args, "ulimit -v", preexec_fn=limited(AS=1 << 30))
    r = run("-w", "noop", "-e", "thread-pool", "--threads", "64", "--tasks", "1000", "--quiet",
            preexec_fn=limited(AS=1 << 30))
    check(r.returncode == 0, f"what fits under ulimit -v still runs: {r.err.strip()[:120]}")

# --- issue 24, item 8: exit codes and messages ---------------------------------------------------
# An empty item at the end of --executor is refused as one anywhere else is.
for spec in ("sequential,", ",sequential", "sequential,,openmp", "sequential,,", ","):
    refused(["-w", "noop", "-e", spec], "empty item")
# matmul's matrices (A, B, packed B and C: about 4 n^2 doubles) against ulimit -v: refused up
# front with the figures, like --tasks and --threads, not "out of memory" after starting.
if SANITIZED:
    print(f"skip: matmul under ulimit -v under -fsanitize={SANITIZED}")
else:
    as_limit = limited(AS=2000000 * 1024)  # ulimit -v 2000000
    for size in ("16384", "8192"):
        r = refused(["-w", "matmul", "-e", "sequential", "--size", size], "ulimit -v",
                    preexec_fn=as_limit)
        check("matmul's inputs and outputs" in r.err and "GiB" in r.err and "--size" in r.err,
              f"--size {size}: the figures and what to lower ({r.err.strip()})")
    refused(["-w", "matmul", "-e", "thread-pool,process", "--size", "8192"], "ulimit -v",
            preexec_fn=as_limit)
    r = run("-w", "matmul", "-e", "sequential", "--size", "1024", "--quiet", preexec_fn=as_limit)
    check(r.returncode == 0, f"a matmul that fits under ulimit -v still runs: {r.err.strip()[:120]}")
# The real range of a duration whose least value is 1 us: not "between 0 and ..." for a 0 it
# refuses.
for args in (["--deadline-ms", "0"], ["--rate", "10", "--duration", "0"],
             ["--deadline-ms", "86400001"]):
    r = refused(["-w", "sleep", "-e", "sequential", *args], "must be more than 0 ms and at most "
                "86400000 ms")
    check("between 0" not in r.err, f"{' '.join(args)}: no range that holds the refused value")
r = run("-w", "sleep", "-e", "sequential", "--tasks", "1", "--latency-ms", "1", "--deadline-ms",
        "0.001", "--quiet")
check(r.returncode == 0, f"--deadline-ms 0.001 (1 us, the least) is taken ({r.err.strip()[:120]})")

# --- 3, 4, 5 and 7: --output ----------------------------------------------------------------
SLOW = ["-w", "sleep", "-e", "sequential", "--tasks", "1", "--latency-ms", "3000"]
QUICK = ["-w", "noop", "-e", "sequential", "--tasks", "1", "--format", "json"]


def folder(name):
    d = os.path.join(TMP, name)
    os.makedirs(d)
    return d


def records(path):
    """The JSON lines of a file: (parsed records, the file ends with a newline)."""
    with open(path, "rb") as f:
        data = f.read()
    return [json.loads(x) for x in data.splitlines()], data.endswith(b"\n")


def leftovers(d, *keep):
    return sorted(set(os.listdir(d)) - set(keep))


# 5: names that cannot be a run's output file: refused before the 3 s task, nothing touched.
d = folder("names")
with open(os.path.join(d, ".tmp"), "w") as f:
    f.write("not ours")
long_path = os.path.join(d, "x" * 200)
while len(long_path) < 4095:
    long_path = os.path.join(long_path, "y" * min(200, 4094 - len(long_path)))
for path, needle in (("", "needs a file name"), (d, "is a folder"), (d + "/", "is a folder"),
                     (os.path.join(d, "nosuch") + "/", "names a folder"),
                     (os.path.join(d, "no", "such", "x.json"), "does not exist"),
                     (long_path, "too long"), (os.path.join(d, "n" * 250), "too long"),
                     (os.path.join(d, "..") , "is a folder")):
    refused(SLOW + ["--output", path], needle, label=f"--output {path[:50]!r} ({len(path)} bytes)",
            within=1.5, cwd=d)
check(leftovers(d) == [".tmp"] and open(os.path.join(d, ".tmp")).read() == "not ours",
      f"refused --output touched nothing: {leftovers(d)}")

# 3: devices and FIFOs are written as they are, never replaced by a file. The device nodes are
# our own (mknod in a temporary folder, as root), never the machine's /dev.
devs = {}
if os.geteuid() == 0:
    dd = folder("devices")
    for name, minor in (("null", 3), ("full", 7)):
        devs[name] = os.path.join(dd, name)
        os.mknod(devs[name], 0o666 | stat.S_IFCHR, os.makedev(1, minor))
else:
    print("skip: device nodes need root for mknod; the machine's /dev is not used instead")
for key, dev in devs.items():
    before = os.stat(dev)
    r = run(*QUICK, "--output", dev)
    after = os.stat(dev)
    check(stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev,
          f"{dev} is still the device after --output {dev}")
    if key == "null":
        check(r.returncode == 0 and r.stdout == b"" and r.stderr == b"",
              f"--output {dev}: exit {r.returncode}, output discarded ({r.err.strip()})")
    else:
        check(r.returncode == 1 and len(r.stderr.splitlines()) == 1 and dev in r.err
              and "No space left on device" in r.err and r.stdout == b"",
              f"--output {dev}: exit {r.returncode}, one clear line: {r.err.strip()}")
r = run(*QUICK, "--reps", "2", "--output", "/dev/stdout")
check(r.returncode == 0 and len(r.stdout.splitlines()) == 3,
      f"--output /dev/stdout on a pipe: written through ({len(r.stdout.splitlines())} lines)")
d = folder("fifo")
fifo = os.path.join(d, "pipe")
os.mkfifo(fifo)
refused(QUICK + ["--output", fifo], "nothing reads from it")
got = []
reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
reader.start()
time.sleep(0.1)
r = run(*QUICK, "--reps", "2", "--output", fifo)
reader.join(10)
check(r.returncode == 0 and got and len(got[0].splitlines()) == 3
      and stat.S_ISFIFO(os.lstat(fifo).st_mode) and leftovers(d) == ["pipe"],
      "--output FIFO: the reader gets every line, the FIFO stays, no temporary file")

# 4: a unique temporary file; someone's keep.json.tmp is not ours to truncate or delete.
d = folder("tmpname")
keep, theirs = os.path.join(d, "keep.json"), os.path.join(d, "keep.json.tmp")
for path, text in ((keep, "old\n"), (theirs, "someone else's\n")):
    with open(path, "w") as f:
        f.write(text)
os.chmod(keep, 0o640)
r = run(*QUICK, "--reps", "3", "--output", keep)
recs, nl = records(keep)
check(r.returncode == 0 and [x["type"] for x in recs] == ["sample"] * 3 + ["aggregate"] and nl,
      "--output keep.json: 3 samples and their aggregate")
check(open(theirs).read() == "someone else's\n", "keep.json.tmp untouched")
check(stat.S_IMODE(os.stat(keep).st_mode) == 0o640, "the replaced file keeps its mode")
check(leftovers(d) == ["keep.json", "keep.json.tmp"], f"no temporary file left: {leftovers(d)}")
# A symlink to the output stays a symlink; the file it points to is written in place
# (tests/cli/test_outputs.py: never renamed over, protected_symlinks).
os.symlink("keep.json", os.path.join(d, "link.json"))
r = run(*QUICK, "--reps", "2", "--output", os.path.join(d, "link.json"))
check(r.returncode == 0 and os.path.islink(os.path.join(d, "link.json"))
      and len(records(keep)[0]) == 3, "--output through a symlink writes its target")
os.remove(os.path.join(d, "link.json"))
# Two runs, one output: neither disturbs the other; the file is one run's complete output.
runs = [subprocess.Popen([BIN, "-w", "sleep", "-e", "sequential", "--tasks", "1",
                          "--latency-ms", "20", "--reps", str(reps), "--format", "json",
                          "--output", keep], stderr=subprocess.PIPE) for reps in (6, 9)]
codes = [p.wait(60) for p in runs]
for p in runs:
    p.stderr.close()
recs, nl = records(keep)
samples = [x for x in recs if x["type"] == "sample"]
check(codes == [0, 0] and nl and len(samples) in (6, 9) and recs[-1]["type"] == "aggregate"
      and recs[-1]["samples"] == len(samples), f"two runs, one output: exits {codes}, "
                                                f"{len(samples)} samples of one run, whole")
check(leftovers(d) == ["keep.json", "keep.json.tmp"], f"no temporary file left: {leftovers(d)}")
# Exit paths: refused at set-up (exit 2), a failed run (exit 1), and signals before and after
# the first sample. The old file stays until a sample is complete, then holds only whole
# records; the temporary name is gone in every case.
with open(keep, "w") as f:
    f.write("old\n")
refused(["-w", "http", "-e", "sequential", "--url", "http://x@127.0.0.1:9/", "--output", keep],
        "user information")
check(open(keep).read() == "old\n" and leftovers(d) == ["keep.json", "keep.json.tmp"],
      "refused at set-up: the old file untouched, no temporary file")
r = run("-w", "http", "-e", "sequential", "--tasks", "2", "--url", "http://127.0.0.1:9/",
        "--timeout-ms", "500", "--format", "json", "--output", keep)
recs, _ = records(keep)
check(r.returncode == 1 and recs and recs[0]["valid"] is False
      and leftovers(d) == ["keep.json", "keep.json.tmp"],
      f"an invalid run (exit {r.returncode}) still writes its record, no temporary file")
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    with open(keep, "w") as f:
        f.write("old\n")
    p = subprocess.Popen([BIN, *SLOW, "--format", "json", "--output", keep],
                         stderr=subprocess.DEVNULL)
    # The temporary file exists from set-up on (a sanitizer build on a busy machine may take
    # longer than a moment to get there).
    msutil.wait_until(lambda: any(x.startswith(".keep.json.") for x in os.listdir(d)),
                      timeout=20)
    tmp_seen = [x for x in os.listdir(d) if x.startswith(".keep.json.")]
    p.send_signal(sig)
    rc = p.wait(30)
    check(rc == -sig and open(keep).read() == "old\n" and tmp_seen
          and leftovers(d) == ["keep.json", "keep.json.tmp"],
          f"{signal.Signals(sig).name} before the first sample: ended by it ({rc}), the old "
          f"file untouched, the temporary {tmp_seen} removed")
    p = subprocess.Popen([BIN, "-w", "sleep", "-e", "sequential", "--tasks", "1",
                          "--latency-ms", "30", "--reps", "1000", "--format", "json", "--output",
                          keep], stderr=subprocess.DEVNULL)
    msutil.wait_until(lambda: os.path.getsize(keep) > 5000, timeout=20)
    p.send_signal(sig)
    rc = p.wait(30)
    recs, nl = records(keep)
    check(rc == -sig and nl and 1 <= len(recs) < 1000 and all(x["type"] == "sample"
                                                              for x in recs)
          and leftovers(d) == ["keep.json", "keep.json.tmp"],
          f"{signal.Signals(sig).name} mid-run: {len(recs)} whole samples kept, no temporary "
          f"file")

# 7: linear time. Each sample is one write; the file is published by rename twice (the first
# sample, the end), not rewritten per sample.
d = folder("linear")
out = os.path.join(d, "x.jsonl")
REPS = ["-w", "noop", "-e", "sequential", "--tasks", "1", "--reps", "2000", "--format", "json"]
t_file = min(run(*REPS, "--output", out).elapsed for _ in range(2))
t_out = min(run(*REPS).elapsed for _ in range(2))
recs, nl = records(out)
check(len(recs) == 2001 and nl, f"2000 samples and the aggregate in the file ({len(recs)})")
check(t_file < 2 * t_out + 0.3, f"2,000 samples to a file {t_file:.2f} s, to stdout "
                                 f"{t_out:.2f} s: linear")
print(f"measured: --reps 2000 --output {t_file:.3f} s, stdout {t_out:.3f} s")
if STRACE:
    rc, lines = syscalls(REPS + ["--output", out], "rename,renameat,renameat2,link,linkat")
    moves = [x for x in lines if "rename" in x or "link" in x]
    check(rc == 0 and 1 <= len(moves) <= 4, f"{len(moves)} link/rename calls for 2,000 samples "
                                            f"(one publish at the start, one at the end)")
# A reader polling the file during a run sees whole lines only grow: every newline-terminated
# line parses, none disappears (the file appears with the first sample).
os.remove(out)
p = subprocess.Popen([BIN, "-w", "noop", "-e", "sequential", "--tasks", "1", "--reps", "3000",
                      "--format", "json", "--output", out], stderr=subprocess.DEVNULL)
seen, bad = 0, 0
while p.poll() is None:
    try:
        with open(out, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        bad += seen > 0
        continue
    whole = data[:data.rfind(b"\n") + 1].splitlines()
    try:
        [json.loads(x) for x in whole]
    except ValueError:
        bad += 1
    if len(whole) < seen:
        bad += 1
    seen = max(seen, len(whole))
check(p.wait() == 0 and bad == 0 and len(records(out)[0]) == 3001,
      f"a concurrent reader saw only whole records, never fewer ({bad} bad reads)")

shutil.rmtree(TMP, ignore_errors=True)
if failures:
    print(f"{len(failures)} failed", file=sys.stderr)
    sys.exit(1)
print("hardening: all passed")
