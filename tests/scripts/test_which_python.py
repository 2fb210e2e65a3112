#!/usr/bin/env python3
"""NAME    test_which_python.py
PURPOSE "Which should I use?" in C and in Python side by side, on a fixture run holding the C
        map (test_crossover's spec) and a Python map (the reference programs running mixed,
        tagged CM): the Python advice is built from the Python map alone (a different Python
        map gives different Python advice, the C lines unchanged); a kind where C and Python
        part says so and why (the interpreter lock), a kind where they agree says so; report.html's
        first block shows both, each Python row linking to the Python map (an anchor the page
        has), and which-should-i-use.md has "### In Python" after C's advice (and not without
        the Python map). The lesson's scales (tagged CS): per N who wins on time, CPU and
        memory, where the loop and a thread per task part, and a setting cvpbench refused up
        front shown as a result with its reason, in the answer and in which-should-i-use.md.
        advice.json has a row per kind in C and one in Python, each with its decision.
USAGE   test_which_python.py PATH/TO/cvpbench"""
import copy
import os
import re

from fixture import check, script
from test_crossover import spec
from test_which import GRID, advice_rows, read, tabulated

PY = ["py-asyncio", "py-asyncio-to-thread", "py-asyncio-procpool", "py-threads",
      "py-multiprocessing"]
NOISE = (0.97, 1.03, 1.0, 0.99, 1.02, 1.01, 0.98, 1.0)
# (L ms, W us) -> {program: in-process seconds}, N = 20: asyncio wins the waits; the process
# pool behind the loop wins waits then compute; processes tie for compute only. Each kind in
# two cells, so the advice may name a program (pick.PICK_MIN_CELLS).
TIMES = {(5, 0): {"py-asyncio": 0.0060, "py-asyncio-to-thread": 0.0075,
                  "py-asyncio-procpool": 0.0080, "py-threads": 0.0090,
                  "py-multiprocessing": 0.0100},
         (10, 0): {"py-asyncio": 0.0110, "py-asyncio-to-thread": 0.0125,
                   "py-asyncio-procpool": 0.0130, "py-threads": 0.0140,
                   "py-multiprocessing": 0.0150},
         (5, 1000): {"py-asyncio": 0.026, "py-asyncio-to-thread": 0.026,
                     "py-asyncio-procpool": 0.016, "py-threads": 0.027,
                     "py-multiprocessing": 0.021},
         (10, 1000): {"py-asyncio": 0.031, "py-asyncio-to-thread": 0.031,
                      "py-asyncio-procpool": 0.021, "py-threads": 0.032,
                      "py-multiprocessing": 0.026},
         (0, 1000): {"py-asyncio": 0.020, "py-asyncio-to-thread": 0.0205,
                     "py-asyncio-procpool": 0.0104, "py-threads": 0.021,
                     "py-multiprocessing": 0.0105},
         (0, 2000): {"py-asyncio": 0.040, "py-asyncio-to-thread": 0.041,
                     "py-asyncio-procpool": 0.0204, "py-threads": 0.042,
                     "py-multiprocessing": 0.0206}}
OWN = {"py-asyncio-procpool": {"threads": 2}, "py-threads": {"threads": 20},
       "py-multiprocessing": {"threads": 20}}


def with_python(times=TIMES):
    s = spec(2, **GRID)
    s["references"] = PY
    rows = []
    for (lat, work), by in times.items():
        for k, ex in enumerate(PY):
            t = by[ex]
            rows.append({"executor": ex, "reference": True, "own": OWN.get(ex, {}),
                         "params": {"tasks": 20, "latency-ms": lat, "work-us": work},
                         "wall_in": t, "times": [],
                         "samples": [t * f for f in NOISE[3 * k % 8:] + NOISE[:3 * k % 8]]})
    s["cases"].append({"name": "py-crossover", "workload": "mixed", "claims": ["CM"],
                       "rows": rows})
    return s


def lead(d):
    """{kind: {"in C": line, "in Python": line, "note": line}} from answer.txt's first block."""
    text = read(d, "answer.txt")
    first = text.split("\n\n")[0].splitlines()
    check(first[0].endswith("in C and in Python)"), f"the lead says both ({first[0]})")
    out, kind = {}, None
    for line in first[1:]:
        if line.startswith("  ") and not line.startswith("   "):
            kind = line.strip().rstrip(":")
            out[kind] = {}
        elif line.strip().startswith(("in C:", "in Python:")):
            label, _, rest = line.strip().partition(":")
            out[kind][label] = rest.strip()
        else:
            out[kind]["note"] = line.strip()
    check(set(out) == {"many waits", "waits then compute", "compute only"},
          f"three kinds ({sorted(out)})")
    return out


def md_python(d):
    """which-should-i-use.md split at "### In Python": (C's part, {kind: its Python line}, the
    Python part)."""
    c_part, _, py_part = read(d, "which-should-i-use.md").partition("\n### In Python\n")
    kinds = {x.split("**")[1]: x for x in py_part.split("\n### ")[0].splitlines()
             if x.startswith("- **")}
    return c_part, kinds, py_part


def use_block(d):
    page = read(d, "report.html")
    return page[page.find('<section id="use">'):page.find("</section>", page.find('id="use"'))]


def test_side_by_side():
    d = tabulated(with_python())
    by = lead(d)
    waits, mixed, comp = by["many waits"], by["waits then compute"], by["compute only"]
    check(waits["in C"].startswith("event-loop") and waits["in Python"].startswith("py-asyncio,"),
          f"many waits: the loop in both ({waits})")
    check(waits.get("note", "").startswith("The same in both"),
          f"many waits: C and Python agree, and it says so ({waits.get('note')})")
    check(mixed["in Python"].startswith("py-asyncio-procpool"),
          f"waits then compute in Python: the process pool behind the loop ({mixed['in Python']})")
    for kind, v in (("waits then compute", mixed), ("compute only", comp)):
        check("py-" not in v["in C"], f"{kind}: C's advice names no Python program ({v['in C']})")
        note = v.get("note", "")
        check(note.startswith("They differ") and "interpreter lock" in note
              and "threads on every core" in note and "processes" in note,
              f"{kind}: C and Python part, and the line says why ({note})")
    check("py-threads" not in comp["in Python"].split(";")[0],
          f"compute only in Python: never threads ({comp['in Python']})")
    c_part, kinds, py_part = md_python(d)
    check(py_part and "py-" not in c_part and "### At the lesson's scales" not in py_part,
          "which-should-i-use.md: C's advice names no Python program, then ### In Python (no "
          "scales without their cases)")
    check("| **10 ms** | **py-asyncio** 1.14x" in py_part,
          f"which-should-i-use.md in Python: the Python map's table ({py_part[:300]})")
    check(set(kinds) == {"Many waits", "Waits then compute", "Compute only"},
          f"which-should-i-use.md in Python: a line per kind ({sorted(kinds)})")
    mixed_md = kinds["Waits then compute"]
    check("use **py-asyncio-procpool**" in mixed_md and "They differ" in mixed_md
          and "interpreter lock" in mixed_md,
          f"which-should-i-use.md, waits then compute in Python: the process pool behind the "
          f"loop, where C parts and why ({mixed_md})")
    check("use **py-asyncio**" in kinds["Many waits"] and "The same in both" in kinds["Many waits"],
          f"which-should-i-use.md, many waits in Python: the loop, as in C ({kinds['Many waits']})")
    rows = advice_rows(d)
    got = {(r["kind"], r["lang"]): r["decision"] for r in rows}
    check(len(rows) == 6 and set(got) == {(k, lang) for k in by for lang in ("C", "Python")},
          f"advice.json: one row per kind and language ({sorted(got)})")
    want = {("many waits", "C"): "use event-loop", ("many waits", "Python"): "use py-asyncio",
            ("waits then compute", "C"): "no clear winner",
            ("waits then compute", "Python"): "use py-asyncio-procpool",
            ("compute only", "C"): "no clear winner", ("compute only", "Python"): "no clear winner"}
    check(got == want, f"advice.json: each decision, C's and Python's from their own maps ({got})")
    tied = next(r["tied"] for r in rows if (r["kind"], r["lang"]) == ("compute only", "C"))
    check(tied == ["thread-pool", "openmp", "hybrid"],
          f"advice.json: a tie in the run's order, though hybrid measured fastest ({tied})")
    rc, _, err = script("report", d)
    page, use = read(d, "report.html"), use_block(d)
    check(rc == 0 and "in Python" in use and "py-asyncio-procpool" in use
          and "interpreter lock" in use,
          f"report.html's first block: C and Python side by side ({err.strip()[:200]})")
    links = re.findall(r'<a href="#([^"]+)">Python map</a>', use)
    check(len(links) == 3 and all(a != "crossover" and f'id="{a}"' in page for a in links),
          f"report.html: each Python row links to the Python map, an anchor of the page, not "
          f"C's map ({links})")
    return by


def test_python_map_decides(before):
    # Only the Python map changes: threads now win the Python waits; C's lines stay as they were.
    times = copy.deepcopy(TIMES)
    times[(10, 0)]["py-threads"] = 0.0090
    times[(5, 0)]["py-threads"] = 0.0045
    by = lead(tabulated(with_python(times)))
    check(by["many waits"]["in Python"].startswith("py-threads"),
          f"the Python advice follows the Python map ({by['many waits']['in Python']})")
    check(all(by[k]["in C"] == before[k]["in C"] for k in by),
          "the C advice does not read the Python map")
    note = by["many waits"].get("note", "")
    check(note.startswith("They differ") and "in Python threads," in note,
          f"waits: the loop in C, threads in Python (Python threads are threads, not processes): "
          f"said ({note})")


def test_no_python_map():
    # A run without the Python map: the lead is as before, one line per kind.
    d = tabulated(spec(2))
    text = read(d, "answer.txt").split("\n\n")[0]
    check("in Python" not in text and len(text.splitlines()) == 4,
          f"no Python map: no Python lines ({text[:200]})")
    md = read(d, "which-should-i-use.md")
    check("In Python" not in md and "py-" not in md and "\n### " not in md,
          "no Python map: which-should-i-use.md has no Python part, not even its heading")
    rc, _, _ = script("report", d)
    check(rc == 0 and "Python map" not in use_block(d), "no Python map: no link to one")


def scale_case(refuse_10000=True):
    """The lesson's scales (tagged CS): N = 100, 1,000 (cap 20 and none) and 10,000 (none); the
    loop and a thread per task tie on time up to 1,000; the threads hold more memory and CPU."""
    rows = []
    for n in (100, 1000, 10000):
        t = 0.0105 + n * 1e-7
        mem = {"event-loop": 6 * n, "thread-pool": 16 * n}
        cpu = {"event-loop": 0.002 * n / 100, "thread-pool": 0.003 * n / 100}
        for ex, own in (("event-loop", {"concurrency": n}), ("thread-pool", {"threads": n}),
                        ("event-loop", {"concurrency": 20}), ("thread-pool", {"threads": 20})):
            capped = own.get("concurrency", own.get("threads")) == 20
            if capped and n == 10000 or (n == 10000 and ex == "thread-pool" and refuse_10000):
                continue
            wall = t * (n // 20 if capped else 1) * (1.0 if n < 10000 or ex == "event-loop"
                                                      else 1.4)
            rows.append({"executor": ex, "own": own, "params": {"tasks": n, "latency-ms": 10},
                         "wall_in": wall, "times": [], "cpu": cpu[ex], "setup_kib": 0,
                         "rss_kib": mem[ex]})
    nm = [] if not refuse_10000 else [
        {"case": "lesson-scale", "workload": "http", "executor": "thread-pool",
         "label": "thread-pool tasks=10000 threads=10000",
         "params": {"tasks": 10000, "latency-ms": 10, "threads": 10000},
         "reason": "20020 tasks in flight on 10002 threads need about 40088 descriptors, but the "
                   "limit is 20000 (ulimit -n); lower --concurrency or --threads"}]
    return {"name": "lesson-scale", "workload": "http", "claims": ["CS"], "rows": rows,
            "not_measured": nm}


def test_scale():
    s = with_python()
    s["cases"].append(scale_case())
    d = tabulated(s)
    text = read(d, "answer.txt").split("\n\n")[0]
    block = text[text.find("At the lesson's scales"):]
    check(block and "N = 100: time: tie" in block and "CPU: the loop least" in block
          and "memory: the loop least" in block,
          f"the scales: per N, who wins on time, CPU and memory ({block[:300]})")
    check(re.search(r"N = 10,000: only the loop ran \([^)]*held\); a thread per task: refused "
                    r"here \(20020 tasks in flight", block),
          f"a setting refused up front is a result, with cvpbench's reason; the one that ran "
          f"gives its own time, CPU and memory ({block})")
    md = read(d, "which-should-i-use.md")
    scales = md[md.find("\n### At the lesson's scales\n"):]
    check(scales and re.search(r"- N = 10,000: only the loop ran \(.*\); a thread per task: "
                               r"refused here", scales)
          and "- On time a thread per task ties the loop up to N = 1,000 here" in scales,
          f"which-should-i-use.md: the lesson's scales as the answer says them ({scales[:300]})")
    check("On time a thread per task ties the loop up to N = 1,000 here; at 1,000 the loop "
          "holds 2.7x less memory and uses 1.5x less CPU" in block,
          f"where they part, on which criterion ({block})")
    rc, out, _ = script("claims", d, "--json")
    import json
    cs = next(v for v in json.loads(out) if v["id"] == "CS")
    check(cs["verdict"] == "holds", f"CS holds: the loop holds less memory ({cs['measured']})")
    page_rc, _, err = script("report", d)
    page = read(d, "report.html")
    use = page[page.find('<section id="use">'):page.find("</section>", page.find('id="use"'))]
    check(page_rc == 0 and "At the lesson" in use and "refused here" in use,
          f"report.html's first block shows the scales ({err.strip()[:200]})")
    s2 = with_python()
    s2["cases"].append(scale_case(refuse_10000=False))
    block = read(tabulated(s2), "answer.txt").split("\n\n")[0]
    check("ties the loop up to N = 1,000 here; at 10,000 the loop holds 2.7x less memory" in
          block, f"measured at 10,000: where they part is said there ({block[-300:]})")


def py_scale_case():
    """The lesson's scales in Python (tagged CS, reference programs): httpx under asyncio and on
    threads, N = 100 and 1,000 timed six times (asyncio faster, the threads hold more), and
    N = 10,000 timed once each: a value, no interval."""
    rows = []
    for n in (100, 1000, 10000):
        once = n == 10000
        for ex, own, t, mem in (("py-httpx-gather", {}, 0.02 + n * 1.5e-3, 40 * n),
                                ("py-httpx-gather", {"concurrency": 20}, 0.02 + n * 1.6e-3, 30 * n),
                                ("py-threads", {"threads": n}, 0.02 + n * 2.5e-3, 90 * n),
                                ("py-threads", {"threads": 20}, 0.02 + n * 1.7e-3, 30 * n)):
            if once and own.get("concurrency", own.get("threads", n)) == 20:
                continue
            rows.append({"executor": ex, "reference": True, "own": own,
                         "params": {"tasks": n, "latency-ms": 10}, "wall_in": t, "times": [],
                         "cpu": t, "setup_kib": None, "rss_kib": mem,
                         "samples": [t] if once else [t * f for f in NOISE[:6]]})
    return {"name": "lesson-scale-python", "workload": "http", "claims": ["CS"], "rows": rows}


def test_scale_python():
    """C and Python scales side by side, each under its own heading; one batch gives a value and
    no interval, so no time verdict there; claim CS judges each language's points."""
    s = with_python()
    s["references"] = sorted(set(PY) | {"py-httpx-gather"})
    s["cases"] += [scale_case(), py_scale_case()]
    d = tabulated(s)
    text = read(d, "answer.txt").split("\n\n")[0]
    block = text[text.find("At the lesson's scales"):]
    c_at, py_at = block.find("\n  in C:\n"), block.find("\n  in Python:\n")
    check(0 < c_at < py_at, f"the scales in C, then in Python, each headed ({block[:400]})")
    py = block[py_at:]
    check("N = 1,000: time: the loop" in py and "memory: the loop least" in py,
          f"Python at 1,000: asyncio on time and memory ({py})")
    ten = next((x for x in py.splitlines() if "N = 10,000" in x), "")
    check("one batch each, no interval: the loop" in ten and "time:" not in ten,
          f"one batch each: the values, no interval and no time verdict ({ten})")
    check("On time the loop is the faster at every N timed here; at 10,000 the loop holds" in py,
          f"where they part in Python: timed Ns only, and the memory at 10,000 ({py})")
    check("refused here" in block[c_at:py_at] and "refused" not in py,
          f"C's refused 10,000 threads stay with C ({block[:300]})")
    rc, out, _ = script("claims", d, "--json")
    import json
    cs = next(v for v in json.loads(out) if v["id"] == "CS")
    where = [p["where"].split(":")[0] for p in cs["points"]]
    check(rc == 0 and "in C N=100" in where and "in Python N=10000" in where
          and cs["verdict"] == "holds", f"CS: a point per language and N ({where})")


def main():
    before = test_side_by_side()
    test_python_map_decides(before)
    test_no_python_map()
    test_scale()
    test_scale_python()


if __name__ == "__main__":
    main()
