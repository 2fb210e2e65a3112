"""NAME    answer.py
PURPOSE The answer of a run in about 25 lines: first which executor to use for many waits,
        waits then compute and compute only (lead: by how much and why, or that they tie), then
        how many claims hold (and which do not, in a few words), the headline ratios with their
        intervals, and where the full report is. `make bench` ends with it;
        summary.md and report.html lead with it. It reads the claims' record (claims.json,
        passed in as verdicts) and the results; it judges nothing.

Which case a headline reads is the one its claim's record names: the lesson is the first case
of the claim whose evidence is a case table (C1), the compute and memory headlines those of the
claims whose evidence is the speed-up and memory plots, connection reuse the first case of C7.
"""
from . import baseline, contrast, damage, headlines, scale, selfcheck, stats
from .fmt import est, s, x_est
from .record import by_plot, cases_of
from .stats import FAILS, HOLDS


def _claims(verdicts):
    held = sum(v["verdict"] == HOLDS for v in verdicts)
    lines = [f"Claims: {held} of {len(verdicts)} hold."]
    for v in verdicts:
        if v["verdict"] != HOLDS:
            why = (v.get("reason") or "").split(":")[0] if v["verdict"] == FAILS else \
                (v.get("reason") or "")
            lines.append(f"  {v['id']} {v['verdict']}: {v['title']} ({why[:90]})")
    return lines


def _case(run, verdict):
    """The first case the claim's record names, if the run has it."""
    names = cases_of(verdict)
    return next((c for c in run.cases if names and c.name == names[0]), None)


def _loop(run, case, valid_est=True):
    return next((r for r in case.rows if baseline.is_loop(run.registry.rule(r.executor))
                 and not r.reference and r.valid and (r.est or not valid_est)), None)


def _lesson(run, verdicts):
    case = _case(run, next((v for v in verdicts if v.get("see_case")), {}))
    if not case or not case.rows:
        return None
    seq = baseline.row(case, case.rows[0])
    loop = _loop(run, case)
    if not seq or not loop:
        return None
    p = seq.params
    return (f"  {p.get('tasks')} waits of {p.get('latency-ms')} ms: {loop.executor} "
            f"{est(loop.est)}, {seq.executor} {s(seq.wall_in)}: "
            f"{x_est(seq.ratio(loop))} faster")


def _compute(run, verdicts):
    speedup = by_plot(verdicts, "cpu-speedup")
    case = _case(run, speedup)
    if not case:
        return None
    best = None
    for r in case.rows:
        seq = baseline.row(case, r)
        if seq and r.valid and r.est and r.threads and r.threads > 1 and not r.reference:
            sp = seq.ratio(r)
            if sp and (best is None or sp.value > best[1].value):
                best = (r, sp)
    loop = _loop(run, case, valid_est=False)
    seq = next((b for b in (baseline.row(case, r) for r in case.rows) if b), None)
    size = case.sized.get("size", {}).get("value") or (seq.get("size") if seq else "?")
    if not best:
        return None
    r, sp = best
    share = selfcheck.kernel_check(run)
    text = f"  matrix product n={size}: {r.label} {x_est(sp)} faster than one thread"
    if share:
        text = text.replace(":", f" (kernel at {share['share']:.0%} of the FMA peak):", 1)
    if loop and seq:
        text += f"; the event loop {x_est(seq.ratio(loop))}"
    return text + (f" (usable cores: {run.cores})" if speedup else "")


def _memory(verdicts):
    v = by_plot(verdicts, "memory")
    return f"  memory per task in flight: {v['measured']}" if v.get("measured") else None


def _reuse(run):
    """The first case with a row per connection policy (reuse yes and no) of one executor."""
    for case, r in ((case, r) for case in run.cases for r in case.rows):
        if r.get("reuse") == "no" and r.valid:
            yes = next((y for y in case.rows if y.executor == r.executor
                        and y.get("reuse") == "yes" and y.valid), None)
            if yes and yes.cpu_est and r.cpu_est:
                return (f"  a new connection per request costs "
                        f"{x_est(stats.ratio_of(r.cpu_est, yes.cpu_est))}"
                        f" the client CPU of a kept-alive one ({r.executor})")
    return None


def _line(d, label):
    ids = ", ".join(e[0] for e in d.evidence)
    tail = "" if not d.cells else \
        f"  [{len(d.cells)} cell{'s' * (len(d.cells) != 1)}" + (f"; {ids}]" if ids else "]")
    why = d.why(one=True)
    return f"{label:23}{d.verdict()}" + (f"; {why}" if why else "") + tail


def lead(run, verdicts):
    """The answer's first lines: which executor to use for many waits, waits then compute and
    compute only, by how much and the one reason (pick.py: named only where the cells decide
    it), with the claims that are its evidence; in C, and in Python beside it when the run has
    the Python map, with where they part (contrast.py). [] when the run has no crossover map."""
    both = contrast.pairs(run, verdicts)
    if not both:
        return []
    out = ["Which should I use? (measured here: N tasks that wait L, then compute W; the "
           "crossover map" + (", in C and in Python)" if any(p[4] for p in both) else ")")]
    for _key, title, _rule, c, py, note in both:
        if c and not py:
            out.append(_line(c, f"  {title}:"))
            continue
        out.append(f"  {title}:")
        for d, label in ((c, "in C:"), (py, "in Python:")):
            if d:
                out.append(_line(d, f"    {label}"))
        if note:
            out.append(f"{'':23}{note[0].upper() + note[1:]}.")
    return out


def lines(run, verdicts, report_dir=None):
    c, m = run.context, run.machine
    fma = f", {m['fma_gflops_per_core']:.0f} GFLOP/s per core" if m.get("fma_gflops_per_core") \
        else ""
    st = run.status
    head = (f"cvpbench on {c.get('cpu_model', '?')} ({run.cores} usable cores{fma}): "
            f"{st.get('cases_done', '?')} cases, {st.get('elapsed_s', '?')} s"
            + ("" if st.get("state") in (None, "complete") else f", {st.get('state')}"))
    hurt = damage.lines(run)  # a damaged run says so first, naming what it lacks
    first = lead(run, verdicts)
    sc = scale.lines(run)
    if sc:  # the lesson's scales: which wins on time, CPU and memory, and where they part
        first = first + [f"At the lesson's scales (claim {scale.TAG}: N requests, the lesson's "
                         "cap of 20 beside none):"] + [f"  {x}" for x in sc]
    out = (first + [""] if first else []) + [head, ""] + (hurt + [""] if hurt else [])
    check = selfcheck.kernel_check(run)
    if check:  # the compute self-check: a slow kernel is said before any CPU-bound figure
        out += [("Compute: " if check["ok"] else "WARNING: ") + check["text"] + ".", ""]
    out += _claims(verdicts) + [""]
    heads = [y for y in (_lesson(run, verdicts), _compute(run, verdicts), _memory(verdicts),
                         _reuse(run)) if y] + headlines.lines(run)
    if heads:
        out += ["Headlines (in-process time, median [95% interval]):"] + heads + [""]
    noisy = [c.name for c in run.cases if c.disturbed]
    if noisy:
        out += [f"Disturbed by other processes: {', '.join(noisy)} (their points can hold, never "
                "fail).", ""]
    if report_dir:
        out.append(f"Report: {report_dir}/report.html  (summary.md, claims.json, results.csv, "
                   "plots/)")
    return out
