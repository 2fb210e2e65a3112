"""NAME    htmlcases.py
PURPOSE The cases section of report.html: one table per case, a row per executor setting, grouped
        by workload point, with the in-process median and its interval (and a bar drawn to the
        point's scale), the speed-up over sequential with its interval, the whole-process time,
        CPU, memory, p99 task latency, samples and validity; the case's note, its sizing, and a
        warning when other processes disturbed it.
"""
from . import baseline, table
from . import htmlkit as k

TIME_BASIS = ("Every time, speed-up, winner and verdict uses the <strong>in-process</strong> timed "
              "region (the batch's scheduling, with threads, loops and connections set up "
              "beforehand): the median over rounds with its 95% interval in brackets. "
              "<em>Process</em> is the whole process timed alone (start-up and set-up included), "
              "for reference only; it never enters a ratio. <em>Speed-up</em> is sequential's time over "
              "the row's at the same point, paired round by round. <em>Held</em> is the memory the "
              "executor holds for its tasks in flight (what its set-up added to the resident set "
              "plus how far a batch rose above it); <em>peak RSS</em> is the whole process's. "
              "★ fastest at its point; ☆ tied for fastest (95% intervals that do not separate).")


def _groups(case):
    """The case's rows grouped by workload point, in the order the suite listed them."""
    groups = {}
    for r in case.rows:
        groups.setdefault(r.point(), []).append(r)
    return list(groups.items())


def _marks(rows):
    """★ for a lone fastest row, ☆ for each row tied for fastest."""
    timed = [r for r in rows if r.valid and r.est]
    if len(timed) < 2:
        return {}
    tied, _ = table.fastest(timed)
    return {r.label: "★" if len(tied) == 1 else "☆" for r in tied}


def _label(r, varying):
    """The row's label without the parameters its group heading already names."""
    return " ".join(t for t in r.label.split() if t.split("=", 1)[0] not in varying) or r.label


def _row(run, case, r, marks, longest, gflops, varying):
    seq = baseline.row(case, r)
    sp = seq.ratio(r) if seq and r.valid and r.est else None
    valid = "yes" if r.valid else f'<span class="bad">no: {k.esc(r.why)}</span>'
    if r.errors:
        valid += f' <span class="bad">({r.errors} errors)</span>'
    mark = marks.get(r.label, "")
    cells = [f'<span class="mark">{mark}</span>{k.ex(run, _label(r, varying), r.executor)}',
             k.est_s(r.est, True), k.bar_svg(r.est, longest, k.colour(run, r.executor)),
             k.est_x(sp, True),
             k.s(r.process_wall), k.s(r.cpu), _memory(r),
             k.s(r.p99_us / 1e6) if r.p99_us is not None else "-", r.samples_label(), valid]
    if gflops:
        cells.append(f"{r.gflops:.1f}" if r.gflops else "-")
    return ("" if r.valid else "invalid", cells)


def _memory(r):
    """What the executor held for its tasks, and below it the process's peak RSS (stacked, so
    the widest tables still fit a laptop's window)."""
    if r.held_kib is None and r.rss_kib is None:
        return "-"
    return f'{k.kib(r.held_kib)}<br><span class="ci">{k.kib(r.rss_kib)}</span>'


def _sizing(case):
    out = []
    for name, sz in (case.sized or {}).items():
        probes = ", ".join(f"{x} ({k.s(t)})" for x, t in sz.get("probes", []))
        out.append(f"<p class=\"muted\">{k.esc(name)} = {k.esc(sz['value'])}: sized so that one "
                   f"core takes about {k.s(sz['target_s'])} here (probes: {k.esc(probes)}).</p>")
    return "".join(out)


def case_html(run, case):
    varying = table._varying(case)
    gflops = any(r.gflops for r in case.rows)
    head = ["executor", "in-process [95%]", "", "speed-up [95%]", "process", "CPU",
            "held<br>peak RSS", "p99 task", "samples", "valid"] + (["GFLOP/s"] if gflops else [])
    rows = []
    for point, grp in _groups(case):
        if varying and len(case.rows) > 1:
            rows.append(("group", k.esc(k.micro(", ".join(
                f"{n} = {v}" for n, v in point if n in varying)))))
        marks = _marks(grp)
        longest = max((r.est.hi for r in grp if r.valid and r.est), default=None)
        rows += [_row(run, case, r, marks, longest, gflops, varying) for r in grp]
    for nm in case.not_measured:
        rows.append(("invalid", [k.esc(nm["label"]), f'not measured: {k.esc(nm["reason"])}']
                     + [""] * (len(head) - 2)))
    tags = " ".join(f'<a class="tag" href="#{k.anchor("claim", c)}">{k.esc(c)}</a>'
                    for c in case.claims)
    parts = [f'<section class="case" id="{k.anchor("case", case.name)}">',
             f"<h3>{k.esc(case.name)} <span class=\"muted\">· {k.esc(case.workload or '?')} "
             f"workload</span> {tags}</h3>"]
    if case.note:
        parts.append(f"<p>{k.esc(k.micro(case.note))}</p>")
    parts.append(_sizing(case))
    if case.error:
        parts.append(f'<p class="warn">{k.esc(case.error)}</p>')
    if case.disturbed:
        parts.append(f'<p class="warn">⚠ Disturbed: {k.esc(case.disturbance)} (steal '
                     f'{case.load.get("steal_s", 0):.2f} s): its verdicts can hold but never '
                     "fail.</p>")
    parts += [k.table_html(head, rows, "case-table", drop_empty=True), "</section>"]
    return "".join(parts)


def section(run):
    return ('<section id="cases"><h2>Cases</h2>'
            f'<p class="muted">{TIME_BASIS}</p>'
            + "".join(case_html(run, c) for c in run.cases) + "</section>")
