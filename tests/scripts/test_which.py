#!/usr/bin/env python3
"""NAME    test_which.py
PURPOSE "Which should I use?" says only what the data decide (cvp/pick.py), in the first lines of
        answer.txt and in which-should-i-use.md, on fixture runs of a 2 x 2 crossover map
        (test_crossover's spec; 3 x 3 where each kind needs two cells): cells whose executors
        tie give "no clear winner ... within" and name no executor; a separated winner is
        named with its margin; a kind measured in one cell names none, however clearly that
        cell separates it (pick.PICK_MIN_CELLS); a tie names its executors in the run's order;
        while C3 holds the event loop is never advised for compute (and is, on the same data,
        when C3 does not hold); the cells of a disturbed case give no advice of their own;
        advice.json has a row per kind and language with its decision (pick.Decision.decision);
        and the sentence that the models "predicted every cell's winner" appears only when every
        cell's verdict holds.
USAGE   test_which.py PATH/TO/cvpbench"""
import json
import os

from fixture import check, script
from test_crossover import run_dir, spec

COMPUTE_KINDS = ("compute only", "waits then compute")
# A 3 x 3 map (L = 0, 5, 10 ms; W = 0, 1, 2 ms): every kind of batch in two cells or more, so
# the advice may name an executor (pick.PICK_MIN_CELLS); spec's own 2 x 2 gives each one cell.
GRID = {"lats": (0, 5, 10), "works": (0, 1000, 2000)}
COMPUTE_REGIONS = ("- **Only computing**", "- **Mostly computing**")


def read(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return f.read()


def lead(d):
    """{kind: (its verdict: the text before the first ';', the whole line)} from answer.txt's
    first block."""
    text = read(d, "answer.txt")
    check(text.startswith("Which should I use?"), "answer.txt leads with Which should I use?")
    out = {}
    for line in text.split("\n\n")[0].splitlines()[1:]:
        kind, _, rest = line.strip().partition(":")
        out[kind] = (rest.split(";")[0].split("  [")[0].strip(), line)
    check(len(out) == 3 and set(out) == {"many waits", "waits then compute", "compute only"},
          f"three lines: many waits, waits then compute, compute only ({sorted(out)})")
    return out


def md_line(d, start):
    return next((x for x in read(d, "which-should-i-use.md").splitlines() if x.startswith(start)),
                "")


def advice_rows(d):
    """advice.json's rows (render.advice_record), after checking its shape."""
    check(os.path.isfile(os.path.join(d, "advice.json")), "tabulate writes advice.json")
    doc = json.loads(read(d, "advice.json"))
    rows = doc.get("advice", [])
    check(doc.get("schema") == 1 and rows and all(
        {"kind", "lang", "decision", "use", "tied", "cells", "line"} <= set(r) for r in rows),
        f"advice.json: schema 1, a row per decision with its fields ({str(doc)[:200]})")
    return rows


def set_verdict(d, cid, verdict, cells=None):
    """Edit claims.json by hand (as test_record does), then re-render without judging."""
    path = os.path.join(d, "claims.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    v = next(v for v in doc if v["id"] == cid)
    v["verdict"] = verdict
    if cells:
        cells(v)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    rc, _, err = script("tabulate", d, "--render")
    check(rc == 0, f"tabulate --render with {cid} {verdict} exits 0 ({err.strip()[:200]})")


def tabulated(s):
    d = run_dir(s)
    rc, _, err = script("tabulate", d)
    check(rc == 0, f"tabulate exits 0 ({err.strip()[:200]})")
    return d


def test_ties():
    # Hybrid, thread-pool and openmp measured the same in every cell that computes: a tie.
    same = {(lat, work, ex): 0.060 for lat in GRID["lats"] for work in GRID["works"][1:]
            for ex in ("hybrid", "thread-pool", "openmp")}
    d = tabulated(spec(2, same, **GRID))
    by = lead(d)
    for kind in COMPUTE_KINDS:
        v = by[kind][0]
        check(v.startswith("no clear winner on this machine: ") and "within" in v
              and "hybrid" in v and "thread-pool" in v,
              f"{kind}: tied cells give 'no clear winner ... within' ({by[kind][1].strip()})")
    # Its margin over hybrid: 1.16x at L = 5 ms and 1.09x at 10 ms, a geometric mean of 1.12x.
    check(by["many waits"][0].startswith("event-loop, 1.12x faster than hybrid"),
          f"many waits: a separated winner is named with its margin ({by['many waits'][0]})")
    for start in COMPUTE_REGIONS:
        line = md_line(d, start)
        check("no clear winner on this machine" in line and "use **" not in line,
              f"which-should-i-use.md {start[4:]}: a tie names no executor to use ({line[:140]})")
    page_rc, _, err = script("report", d)
    page = read(d, "report.html")
    use = page[page.find('<section id="use">'):page.find("</section>", page.find('id="use"'))]
    check(page_rc == 0 and use.count("no clear winner") == 2 and "1.12×" in use,
          f"report.html's first block: the same two ties and the margin ({err.strip()[:200]})")
    rows = advice_rows(d)
    got = {(r["kind"], r["lang"]): r for r in rows}
    check(len(rows) == 3 and set(got) == {(k, "C") for k in by},
          f"advice.json: one row per kind, in C only ({sorted(got)})")
    want = {"many waits": "use event-loop", "waits then compute": "no clear winner",
            "compute only": "no clear winner"}
    check(all(got[(k, "C")]["decision"] == v for k, v in want.items()),
          f"advice.json: the decisions, without margins ({[r['decision'] for r in rows]})")
    check(got[("many waits", "C")]["use"] == "event-loop"
          and all(r["line"] in by[r["kind"]][1] for r in rows),
          "advice.json: the pick, and the answer's line beside each decision")


def test_one_cell():
    # spec's 2 x 2 map: many waits is the one cell L = 10 ms, W = 0, where the event loop is
    # ahead of every other executor beyond its interval. One cell is not a kind of batch.
    d = tabulated(spec(2))
    with open(os.path.join(d, "claims.json"), encoding="utf-8") as f:
        c8 = next(v for v in json.load(f) if v["id"] == "C8")
    cell = next(c for c in c8["cells"] if (c["latency_ms"], c["work_us"]) == (10, 0))
    check(cell["winner"] == "event-loop" and len(cell["tied"]) < 2,
          f"the one waiting cell separates the event loop ({cell['winner']}, {cell['tied']})")
    v, line = lead(d)["many waits"]
    check(v == "no clear winner on this machine: event-loop was the fastest in its 1 cell"
          and "one cell is too few to name a winner: at least 2" in line,
          f"many waits in one cell: no executor named, the fastest said as such, and why "
          f"({line.strip()})")
    md = md_line(d, "- **Only waiting**")
    check("(W = 0; 1 cell)" in md and "use **" not in md
          and "one cell is too few to name a winner: at least 2" in md,
          f"which-should-i-use.md: one waiting cell names no executor to use ({md[:200]})")
    row = next(r for r in advice_rows(d) if r["kind"] == "many waits")
    check(row["decision"] == "no clear winner" and row["use"] is None and row["cells"] == 1,
          f"advice.json: one cell, no executor to use ({row})")


def test_not_measured():
    # Compute only in two cells, no executor timed in both: nothing to compare.
    s = spec(2, lats=(0, 10), works=(0, 1000, 2000))
    for case in s["cases"]:
        if case["name"] == "crossover-L0":
            case["rows"] = [r for r in case["rows"] if r["params"]["work-us"] == 0
                            or (r["executor"] == "sequential") == (r["params"]["work-us"] == 1000)]
    d = tabulated(s)
    by = lead(d)
    check(by["compute only"][0] == "not measured",
          f"compute only, no executor timed in every cell: not measured ({by['compute only'][1]})")
    row = next(r for r in advice_rows(d) if r["kind"] == "compute only")
    check(row["decision"] == "not measured" and row["use"] is None and not row["tied"],
          f"advice.json: 'not measured' ({row})")


def test_c3():
    # The event loop measured fastest where the batch computes: the data alone would name it.
    fast = {(0, 1000, "event-loop"): 0.02, (10, 1000, "event-loop"): 0.03}
    fast[(0, 2000, "event-loop")] = 0.04
    d = tabulated(spec(2, fast, **GRID))
    set_verdict(d, "C3", "does not hold")
    by = lead(d)
    check(by["compute only"][0].startswith("event-loop"),
          f"without C3, the data name the event loop for compute ({by['compute only'][0]})")
    set_verdict(d, "C3", "holds")
    by = lead(d)
    for kind in COMPUTE_KINDS:
        check("event-loop" not in by[kind][0] and "C3 holds, so not event-loop" in by[kind][1],
              f"{kind}: C3 holds, the event loop is not advised and the line says why "
              f"({by[kind][1].strip()})")
    # Hybrid measured fastest of the three (its model is the quickest), yet the tie names them
    # in the run's order, the same on every run that ties them.
    tied = next(r for r in advice_rows(d) if r["kind"] == "compute only")["tied"]
    check(tied == ["thread-pool", "openmp", "hybrid"] and by["compute only"][0].startswith(
        "no clear winner on this machine: thread-pool, openmp, hybrid within"),
        f"compute only: the tied in the run's order, not the measured one ({tied})")
    for start in COMPUTE_REGIONS:
        line = md_line(d, start)
        check(line and "**event-loop**" not in line,
              f"which-should-i-use.md {start[4:]}: never the event loop while C3 holds "
              f"({line[:140]})")
    check("**event-loop**" in md_line(d, "- **Only waiting**"),
          "the event loop is still advised for waiting")


def test_disturbed():
    s = spec(2)
    for case in s["cases"]:
        if case["name"] == "crossover-L0":  # the cells with L = 0: compute only, neither
            case["load"] = {"other_cores": 0.6}
    d = tabulated(s)
    by = lead(d)
    check(by["compute only"][0] == "no advice: its 1 cell was disturbed by other processes",
          f"compute only: a disturbed case's cell gives no advice ({by['compute only'][0]})")
    check(not by["waits then compute"][0].startswith("no advice"),
          "the undisturbed case still gives advice")
    for start in ("- **Only computing**", "- **Next to nothing to do**"):
        line = md_line(d, start)
        check("no advice" in line and "use **" not in line and "no clear winner" not in line,
              f"which-should-i-use.md {start[4:]}: no advice from disturbed cells ({line[:120]})")
    row = next(r for r in advice_rows(d) if r["kind"] == "compute only")
    check(row["decision"] == "no advice: disturbed" and row["disturbed_cells"] == 1,
          f"advice.json: a disturbed kind's decision ({row})")


def test_models_sentence():
    d = tabulated(spec(2))
    every = "These models predicted every cell's winner"
    check(every in read(d, "which-should-i-use.md"), "C8 and every cell hold: the sentence")

    def one_unsure(v):
        v["cells"][0]["verdict"] = "inconclusive"
    set_verdict(d, "C8", "holds", one_unsure)
    md = read(d, "which-should-i-use.md")
    check(every not in md and "predicted the winner of 3 of 4 cells" in md,
          "a cell the run cannot tell: not 'every cell', the count instead")
    set_verdict(d, "C8", "does not hold")
    md = read(d, "which-should-i-use.md")
    check("predicted" not in md and "fair guide" not in md,
          "C8 does not hold: no sentence that the models are a guide")


def main():
    test_ties()
    test_one_cell()
    test_not_measured()
    test_c3()
    test_disturbed()
    test_models_sentence()


if __name__ == "__main__":
    main()
