"""NAME    readme.py
PURPOSE The README's figures, verdicts and advice, written from the committed sample run
        (results/sample) so they cannot go stale: each generated section sits between markers,
        and `scripts/readme --check` (a test) fails when the README and the sample disagree.
"""
import re

from . import advice, baseline, table
from .fmt import est, s, x_est
from .record import by_plot
from .stats import FAILS, HOLDS

BEGIN = "<!-- BEGIN GENERATED {name}: written by scripts/readme from results/sample; do not edit -->"
END = "<!-- END GENERATED {name} -->"


def _row_cells(case, r, gflops):
    seq = baseline.row(case, r)
    cells = [r.label, est(r.est), x_est(seq.ratio(r)) if seq else "-"]
    if gflops:
        cells.append(f"{r.gflops:.1f}" if r.gflops else "-")
    else:
        cells += [s(r.process_wall), s(r.cpu),
                  f"{r.rss_kib / 1024:.1f} MiB" if r.rss_kib else "-"]
    return cells


def _case_table(run, name, gflops=False):
    case = next((c for c in run.cases if c.name == name), None)
    if case is None:
        return [f"*(case {name} not in the sample)*"]
    head = ["executor", "in-process [95%]", "speed-up [95%]"] + (
        ["GFLOP/s"] if gflops else ["process", "CPU", "peak RSS"])
    rows = [r for r in case.rows if r.valid and r.est]
    tied, _ = table.fastest(rows) if rows else ([], None)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in case.rows:
        mark = ("★ " if len(tied) == 1 else "☆ ") if r in tied else ""
        cells = _row_cells(case, r, gflops)
        cells[0] = mark + cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _sized(run, name):
    case = next((c for c in run.cases if c.name == name), None)
    if not case or not case.sized:
        return ""
    return "; ".join(f"{k} = {z['value']}, sized so one core takes {s(z['target_s'])}"
                     for k, z in case.sized.items())


def claims_lines(verdicts):
    n = len(verdicts)
    counts = {k: sum(v["verdict"] == k for v in verdicts) for k in (HOLDS, FAILS)}
    rest = n - counts[HOLDS] - counts[FAILS]
    head = f"**{counts[HOLDS]} of {n} claims hold**" + (
        f", {counts[FAILS]} do not" if counts[FAILS] else "") + (
        f", {rest} inconclusive" if rest else "") + " on this run:"
    lines = [head, ""]
    for v in verdicts:
        why = f" ({v['reason']})" if v["verdict"] != HOLDS and v["reason"] else ""
        lines.append(f"- {v['id']} **{v['verdict']}**{why}: {v['title']}. Measured: "
                     f"{v['measured'] or '-'}.")
    return lines


def sample_section(run, verdicts):
    c, m, st = run.context, run.machine, run.status
    fma = f", {m['fma_gflops_per_core']:.0f} GFLOP/s FMA peak per core" \
        if m.get("fma_gflops_per_core") else ""
    valid = all(r.valid for case in run.cases for r in case.rows)
    lines = [f"From the committed sample run, [`results/sample/summary.md`](results/sample/summary.md): "
             f"the default suite, {st.get('cases_done', '?')} cases in "
             f"{st.get('elapsed_s', '?')} s on {c.get('cpu_model', '?')} ({run.cores} usable "
             f"cores{fma}), started {st.get('started_utc', '?')}; "
             + ("every sample validated." if valid else "**some samples failed validation**."),
             "", table.TIME_BASIS, ""]
    # The lesson: the first case of the claim whose evidence is a case table (C1); the matrix
    # product: the first case of the claims drawn in the speed-up plot (C3, C4).
    first = lambda v: (v.get("cases") or ["-"])[0]  # noqa: E731
    lesson_name = first(next((v for v in verdicts if v.get("see_case")), {}))
    cpu_name = first(by_plot(verdicts, "cpu-speedup"))
    lesson = next((c for c in run.cases if c.name == lesson_name), None)
    if lesson and lesson.rows:
        p = lesson.rows[0].params
        lines += [f"**The lesson: {p.get('tasks')} requests that each wait "
                  f"{p.get('latency-ms')} ms** (mock server `/delay/{p.get('latency-ms')}`):", ""]
    lines += _case_table(run, lesson_name)
    sized = _sized(run, cpu_name)
    lines += ["", "**The other half: a matrix product** (CPU-bound" + (f"; {sized}" if sized else "")
              + "):", ""]
    lines += _case_table(run, cpu_name, gflops=True)
    lines += ["", "★ fastest; ☆ tied for fastest (95% intervals that do not separate).", ""]
    lines += claims_lines(verdicts)
    lines += ["", "![which executor wins each mix of waiting and computing]"
                  "(results/sample/plots/crossover-map.png)"]
    return "\n".join(lines)


def advice_section(run, verdicts):
    text = advice.markdown(run, by_plot(verdicts, "crossover-map"), verdicts)
    if not text:
        return "*(the sample has no crossover map)*"
    return text.split("\n", 1)[1].strip()  # the README has the heading already


def sections(run, verdicts):
    """The generated sections, from the sample's results and its claims' record."""
    return {"sample": sample_section(run, verdicts), "advice": advice_section(run, verdicts)}


def render(text, secs):
    """text with every generated section replaced; raises ValueError when a marker is missing."""
    for name, body in secs.items():
        b, e = BEGIN.format(name=name), END.format(name=name)
        pat = re.compile(re.escape(b) + r".*?" + re.escape(e), re.S)
        if not pat.search(text):
            raise ValueError(f"README.md has no '{b}' ... '{e}' section")
        text = pat.sub(lambda _: f"{b}\n{body}\n{e}", text)
    return text
