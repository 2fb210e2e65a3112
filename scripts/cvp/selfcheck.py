"""NAME    selfcheck.py
PURPOSE The compute self-check: how close cvpbench's default matmul kernel came to the FMA peak
        of the cores it ran on (each sample records gflops, peak_gflops and peak_fraction,
        measured in the same process with the same build: bench/peak.c). Below half of it, the
        CPU-bound figures describe the kernel, not the machine, and every place that shows them
        says so: the answer, the report and the claims that read matmul cases.
"""
import statistics

from .constants import HALF

# Below this share of the peak the kernel, not the CPU, sets the CPU-bound figures. Tuned BLAS
# kernels reach 75-95% of the FMA peak on the machines this suite has met, a plain i-k-j loop
# 10-25%: half separates the two kinds of code, whatever the machine (constants.HALF).


def _fractions(r):
    return [d["peak_fraction"] for d in r.samples if d.get("valid")
            and isinstance(d.get("peak_fraction"), (int, float))
            and (d.get("workload_metrics") or {}).get("kernel", "blocked") == "blocked"]


def kernel_check(run):
    """The default kernel's share of the peak at the largest order measured, its best over
    cvpbench's own rows there (median of each row's samples; one-thread rows first, since a
    core's share is the kernel's own), with its order, tile and a sentence; None when the run
    has no such row."""
    best = None
    for case in run.cases:
        for r in case.rows:
            if r.reference or not r.valid:  # rows without a share of the peak give none
                continue
            fr = _fractions(r)
            if not fr:
                continue
            # The largest order measured is the one the CPU-bound figures are about (a small
            # one fits in cache and flatters the kernel), one thread first: a core's own share.
            one = int(r.threads or 1) == 1
            size = r.get("size") if isinstance(r.get("size"), (int, float)) else 0
            workers = not (r.schedule and r.schedule.on_loop)  # a worker's row names no loop
            key = (size, one, workers, statistics.median(fr))
            if best is None or key > best[0]:
                best = (key, r, case)
    if not best:
        return None
    (_, _, _, share), r, case = best
    metrics = next((d.get("workload_metrics") or {} for d in r.samples), {})
    tile = metrics.get("tile")
    what = f"{r.workload} n={r.get('size')}, {r.label}" + (
        f", a {tile} tile for {metrics.get('tile_isa')}" if tile else "")
    ok = share >= HALF
    if ok:
        text = (f"the compute kernel runs at {share:.0%} of this CPU's FMA peak ({what}): the "
                "CPU-bound figures describe the machine")
    else:
        text = (f"the compute kernel runs at {share:.0%} of this CPU's peak ({what}): CPU-bound "
                "figures here describe the kernel, not the machine")
    return {"share": share, "ok": ok, "text": text, "case": case.name, "size": r.get("size")}


def note_claims(run, verdicts, check=None):
    """Adds the warning to every claim with a point in a matmul case when the kernel is slow."""
    check = check if check is not None else kernel_check(run)
    if not check or check["ok"]:
        return verdicts
    # The cases of the kernel: those whose rows record its share of the peak.
    matmul = {c.name for c in run.cases if any(_fractions(r) for r in c.rows)}
    for v in verdicts:
        if any(p.get("case") in matmul for p in v.get("points", [])):
            v["note"] = (v.get("note", "") + "; " if v.get("note") else "") + check["text"]
    return verdicts
