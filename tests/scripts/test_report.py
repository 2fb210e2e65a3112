#!/usr/bin/env python3
"""NAME    test_report.py
PURPOSE scripts/report on a fixture run with every section (the claims of holds.json, a crossover
        map in C and one in Python, a machine.json), its plots drawn first when gnuplot is
        installed, then opened in headless Chromium as a reader would: it loads with no console
        message, exception, CSP violation or network request; every inlined plot is laid out
        with a non-zero size and drawn paths; ids are unique and every in-page reference
        resolves; nothing is wider than a 1280 px window and no table needs its sideways scroll
        there; the answer reads as answer.lines wrote it; at 1366x768 the "Which should I use?"
        block (many waits, waits then compute, compute only, each with its evidence, the Python
        rows' map link resolving in the page) is whole on the first screen and the contents list
        leads with it; and a full-page screenshot (and one of that first screen, beside it:
        NAME-first-1366x768.png) is written and is not blank. Pages of failed, incomplete and
        disturbed fixture runs say so. Skips (77) only when Chromium is missing and apt-get
        cannot install it.
USAGE   test_report.py PATH/TO/cvpbench [SCREENSHOT.png] [RUN_DIR]
        (RUN_DIR: check a real run's report.html instead of a fixture's; nothing is rebuilt)"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib

from fixture import build, check, fixture, script, tmpdir

import browser

# Measured in the loaded page: ids, in-page references, plots' laid-out boxes, sections, the
# answer's text and how far the page is wider than its window.
MEASURE_JS = r"""
(() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const dup = ids.filter((x, i) => ids.indexOf(x) !== i);
  const refs = [...document.querySelectorAll('use')]
    .map(u => u.getAttribute('href') || u.getAttribute('xlink:href'))
    .concat([...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href')));
  const broken = refs.filter(r => r && r.startsWith('#') && !document.getElementById(r.slice(1)));
  const plots = [...document.querySelectorAll('svg.plot')].map(s => {
    const r = s.getBoundingClientRect();
    return {label: s.getAttribute('aria-label'), w: r.width, h: r.height,
            paths: s.querySelectorAll('path').length, texts: s.querySelectorAll('text').length};
  });
  return JSON.stringify({dup, broken, plots,
    sections: [...document.querySelectorAll('main > section')].map(s => s.id),
    answer: (document.querySelector('pre.answer') || {}).textContent,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    cut: [...document.querySelectorAll('.wide')].filter(w => w.scrollWidth > w.clientWidth + 1)
      .map(w => (w.closest('section[id]') || {}).id)});
})()
"""

MACHINE = {"usable_cores": 2, "physical_cores": 2, "smt_per_core": 1, "quota_cores": None,
           "fma_gflops_per_core": 58.5, "fma_gflops_all": 117.0, "fma_threads": 2,
           "fma_scaling": 2.0, "thread_create_join_us": {"median": 22.4, "p90": 24.3,
                                                         "samples": 300},
           "wake_us": {"median": 36.1, "p90": 51.9, "samples": 300},
           "wake_placement": "different cores",
           "connect_us": {"median": 26.7, "p90": 29.1, "samples": 200},
           "timer_slack_us": {"nanosleep": {"median": 78.8, "p90": 81.6, "samples": 200},
                              "uv_timer": {"median": 78.3, "p90": 82.0, "samples": 200},
                              "nanosleep_20ms": None},
           "dispatch_us": {"sequential": 0.05, "event-loop": 0.05, "thread-pool": 0.05,
                           "openmp": 0.04, "hybrid": 0.23},
           "request_us": 94.6, "perf_events": True, "calibrate_s": 1.9, "steal_s": 0,
           "others_cpu_s": 0, "reasons": {"timer_slack_us": "20 ms probe skipped (--quick)"}}


# The first screen at 1366x768 (the commonest laptop screen): the "Which should I use?" block
# whole in the window without scrolling, and the contents sidebar's first link pointing at it.
FIRST_SCREEN = (1366, 768)
FIRST_JS = r"""
(() => {
  const u = document.getElementById('use');
  const r = u ? u.getBoundingClientRect() : null;
  const toc = [...document.querySelectorAll('nav.toc a')];
  const first = toc[0];
  return JSON.stringify({box: r && [r.left, r.top, r.right, r.bottom], w: innerWidth,
    h: innerHeight, scrolled: scrollY,
    first: first && first.getAttribute('href'),
    firstShown: !!first && first.getBoundingClientRect().bottom <= innerHeight,
    kinds: u ? [...u.querySelectorAll('table.use tbody tr')]
      .map(tr => tr.cells[0].querySelector('strong').textContent) : [],
    evidence: u ? [...u.querySelectorAll('table.use tbody tr')]
      .map(tr => tr.querySelectorAll('a[href^="#"]').length) : [],
    size: u ? parseFloat(getComputedStyle(u.querySelector('table.use td')).fontSize) : 0});
})()
"""


def first_screen(b, page, shot):
    """At 1366x768: the block is wholly in the window, readable, three kinds each with a link to
    its evidence, and the contents list leads with it. Writes the window's PNG to shot."""
    w, h = FIRST_SCREEN
    result = b.load("file://" + os.path.abspath(page), FIRST_JS, tiles=[(0, h, shot)],
                    width=w, height=h)
    f = json.loads(result["measured"])
    box = f["box"]
    check(box and f["scrolled"] == 0 and box[1] >= 0 and box[3] <= f["h"] and box[2] <= f["w"],
          f"at {w}x{h} the 'Which should I use?' block is whole on the first screen ({box}, "
          f"window {f['w']}x{f['h']})")
    check(f["kinds"] == ["many waits", "waits then compute", "compute only"],
          f"it answers many waits, waits then compute, compute only ({f['kinds']})")
    check(all(n >= 1 for n in f["evidence"]) and f["size"] >= 14,
          f"each with a link to its evidence, in readable type ({f['evidence']}, "
          f"{f['size']} px)")
    check(f["first"] == "#use" and f["firstShown"],
          f"the contents list's first entry links to it ({f['first']})")
    facts = png_facts(shot)
    check(facts and facts[:2] == (w, h) and facts[2] > 50, f"first screen {shot}: {facts}")


def chromium():
    """Chromium's path, installing Debian's package when it is missing; None when it cannot."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found, ""
    if not shutil.which("apt-get"):
        return None, "no apt-get to install it with"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
        return None, "not root and no password-less sudo to install it"
    print("installing chromium (apt-get install chromium) for the browser test ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in (["apt-get", "install", "-y", "-qq", "chromium"],
                    ["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        r = subprocess.run(sudo + attempt, capture_output=True, text=True, env=env, timeout=900)
        if attempt[1] == "install" and r.returncode == 0:
            break
    found = shutil.which("chromium")
    return found, "" if found else f"apt-get install chromium failed: {r.stderr.strip()[-200:]}"


def fixture_run():
    """holds.json's cases and claims, the crossover map of test_crossover's spec (the one that
    test checks against the models), test_which_python's Python map and a machine.json: a run
    with every section."""
    from test_which_python import with_python
    with open(fixture("holds.json")) as f:
        s = json.load(f)
    both = with_python()  # test_crossover's C map and the Python map (tagged CM)
    s["cases"] += both["cases"]
    s["references"] = both["references"]
    s["machine"] = MACHINE
    s["status"]["cases_total"] = s["status"]["cases_done"] = len(s["cases"])
    d = tmpdir(prefix="report-")
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(s, f)
    run = build(os.path.join(d, "spec.json"), os.path.join(d, "run"))
    for tool in ("tabulate", "plot") if shutil.which("gnuplot") else ("tabulate",):
        rc, _, err = script(tool, run)
        check(rc == 0, f"scripts/{tool} exits 0 ({err.strip()[:200]})")
    if not shutil.which("gnuplot"):
        print("note: gnuplot not installed: the page is checked without plots")
    return run


def png_facts(path):
    """(width, height, distinct byte values of the decompressed image data) of a PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", data[16:24])
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    return width, height, len(set(zlib.decompress(idat)))


def static_checks(html_text):
    """What must hold in the file itself, before any browser: nothing to fetch, no script."""
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'\s>]+""", html_text)
    check(not external, f"no external references ({external[:3]})")
    check("<script" not in html_text.lower() and "@import" not in html_text
          and "url(http" not in html_text, "no script, no @import, no remote url()")
    check("<?xml" not in html_text and "<!DOCTYPE svg" not in html_text,
          "inlined SVGs carry no XML prolog or doctype")
    check("Content-Security-Policy" in html_text, "a CSP forbids loading anything")


def other_fixtures():
    """Runs that went wrong still get a page that says how (no browser needed for that)."""
    for name, says in (("fails.json", ('class="badge fails"', "no: 6/6 samples: checksum")),
                       ("missing.json", ("This run is <strong>", "not measured: workload http")),
                       ("disturbed.json", ("cores busy on average", "never fail"))):
        d = build(fixture(name), os.path.join(tmpdir(prefix="report-fx-"), "run"))
        script("tabulate", d)  # the claims' record the page reads (it judges nothing)
        rc, _, err = script("report", d)
        with open(os.path.join(d, "report.html"), encoding="utf-8") as f:
            text = f.read()
        check(rc == 0 and all(x in text for x in says),
              f"{name}: the page says what went wrong ({', '.join(says)}) ({err.strip()[:200]})")


def main():
    t0 = time.monotonic()
    shot = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else \
        os.path.join(tmpdir(prefix="report-shot-"), "report.png")
    real = sys.argv[3] if len(sys.argv) > 3 else None
    # What needs no browser is checked first, so a skip below still has tested it.
    if not real:
        other_fixtures()
    run = real or fixture_run()
    if not real:
        rc, _, err = script("report", run)
        check(rc == 0, f"scripts/report exits 0 ({err.strip()[:200]})")
    page = os.path.join(run, "report.html")
    with open(page, encoding="utf-8") as f:
        html_text = f.read()
    static_checks(html_text)
    if not real:  # the browser checks below that it resolves
        check(html_text.count('">Python map</a>') == 3,
              "the Python rows of the first block each link to the Python map")
    binary, why = chromium()
    if not binary:
        print(f"skip: chromium is not installed and cannot be: {why}")
        sys.exit(77)

    with browser.Browser(binary) as b:
        result = b.load("file://" + os.path.abspath(page), MEASURE_JS, shot)
        first_screen(b, page, shot[:-len(".png")] + "-first-1366x768.png")
    trouble = browser.problems(result["events"])
    check(not trouble, f"loads without console errors, exceptions or requests ({trouble[:3]})")
    m = json.loads(result["measured"])
    order = ["use", "answer", "claims", "crossover", "plots", "cases", "machine"]
    check([x for x in m["sections"] if x in order] == order and m["sections"][:2] == order[:2]
          and m["sections"][-1] == "machine",
          f"sections in order: which to use, the answer, ..., the machine last ({m['sections']})")
    with open(os.path.join(run, "answer.txt"), encoding="utf-8") as f:
        want = f.read().rstrip("\n").replace("Report: ./", f"Report: {run}/")
    check(want.startswith("Which should I use?"), "answer.txt leads with which to use")
    # Its first block is the page's first block (checked below); the rest is the answer's text.
    want = want.split("\n\n", 1)[1]
    check(m["answer"] == want, "the answer reads as answer.lines wrote it")
    check(not m["dup"], f"ids are unique across the inlined SVGs ({m['dup'][:5]})")
    check(not m["broken"], f"every in-page reference resolves ({m['broken'][:5]})")
    check(m["overflow"] <= 0 and not m["cut"],
          f"nothing is wider than a 1280 px window, no table scrolls ({m['overflow']} px; "
          f"scrolling in {m['cut']})")
    svgs = sorted(f for f in os.listdir(os.path.join(run, "plots"))
                  if f.endswith(".svg")) if os.path.isdir(os.path.join(run, "plots")) else []
    check(len(m["plots"]) == len(svgs), f"every plot gnuplot drew is inlined ({len(svgs)} SVGs, "
                                        f"{len(m['plots'])} in the page)")
    for p in m["plots"]:
        check(p["w"] > 300 and p["h"] > 150 and p["paths"] >= 5 and p["texts"] >= 5,
              f"plot '{p['label']}' renders: {p['w']:.0f}x{p['h']:.0f} px, {p['paths']} paths, "
              f"{p['texts']} texts")
    facts = png_facts(shot)
    check(facts and facts[0] == browser.WIDTH and facts[1] > 2000 and facts[2] > 50
          and os.path.getsize(shot) > 50_000,
          f"screenshot {shot}: a PNG of the whole page, not blank ({facts}, "
          f"{os.path.getsize(shot)} bytes)")
    print(f"report test took {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    main()
