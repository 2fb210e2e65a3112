"""NAME    htmluse.py
PURPOSE The first block of report.html, above the fold at 1366x768: for many waits, waits then
        compute and compute only, the executor to use (or that none is a clear winner), by how
        much, the one reason and links to the evidence (the claims and the crossover map). The
        same decisions as the first lines of answer.txt (pick.py); with the Python map, a row
        in C and a row in Python per kind and where they part (contrast.py); nothing is judged
        here.
"""
from . import contrast, pick, scale
from . import htmlkit as k

PY_MAP_ANCHOR = "crossover-python"  # the Python map's section (htmlmap.py), the rows' link


def _use(run, d):
    if d.pick:
        return f'<strong>{k.ex(run, d.pick)}</strong>'
    if d.tied:
        names = " ".join(k.ex(run, ex) for ex in d.tied)
        return f'<span class="tiehead">no clear winner</span><br>{names}'
    return f'<span class="muted">{k.esc(d.verdict())}</span>'


def _by(d):
    if d.pick and d.nearest:
        lo, hi = d.by_range
        rng = (f'<br><span class="sub">{lo:.2f}× to {hi:.2f}× over {len(d.cells)} cells</span>'
               if f"{lo:.2f}" != f"{hi:.2f}" else "")
        return f'<strong>{d.by:.2f}×</strong> faster than {k.esc(d.nearest)}{rng}'

    if d.tied:
        most = (f'<br><span class="sub">at most {k.esc(pick.span(d.spread))} in one cell</span>'
                if pick.span(d.spread) != pick.span(d.within) else "")
        return f"within <strong>{k.esc(pick.span(d.within))}</strong> of each other{most}"
    return "-"


def _why(d):
    one = d.why(one=True)
    rest = [o for o in ([d.reason] + d.others if d.tied else d.others) if o and o not in one]
    more = f'<br><span class="sub">{k.esc("; ".join(rest))}</span>' if rest else ""
    return k.esc(one[0].upper() + one[1:] if one else "") + more


def _short_by(d):
    """"1.09× faster than hybrid" or "within 13%": one line."""
    if d.pick and d.nearest:
        return f"{d.by:.2f}× faster than {k.esc(d.nearest)}"
    if d.tied:
        return f"within {k.esc(pick.span(d.within))} of each other"
    return ""


def _why_short(d):
    one = d.why(one=True)
    return k.esc(one[0].upper() + one[1:] if one else "")


def _evidence(d, has_map):
    """The claims' badges and the map the decision read: C's section, or the Python map's."""
    links = [f'<a class="badge {k.VERDICT_CLASS.get(v, "inconclusive")}" href="#{a}" '
             f'title="claim {k.esc(cid)}: {k.esc(v or "not judged")}">{k.esc(cid)}</a>'
             for cid, a, v in d.evidence]
    if d.python:
        links.append(f'<a href="#{PY_MAP_ANCHOR}">Python map</a>')
    elif has_map:
        links.append('<a href="#crossover">map</a>')
    return " ".join(links) or "-"


def section(run, verdicts, has_map):
    """The block; without a crossover map it says so and points at the answer below."""
    decisions = pick.decisions(run, verdicts)
    head = '<section id="use"><h2>Which should I use?</h2>'
    if not decisions:
        return (head + '<p class="muted">This run measured no crossover map (tasks that wait, '
                'then compute), so it gives no advice: see <a href="#answer">the answer</a> '
                "below.</p></section>")
    both = contrast.pairs(run, verdicts)
    if any(p[4] for p in both):
        # The Python map too: one row a kind, C and Python side by side, and where they part;
        # short cells, so that the three kinds fit one screen (1366x768) with both languages.
        rows = []
        for _key, title, rule, c, py, note in both:
            cells = [f'<strong>{k.esc(title)}</strong><br><span class="sub">{k.esc(rule)}</span>']
            for d in (c, py):
                cells.append(f"{_use(run, d)}<br><span class=\"sub\">{_short_by(d)}</span>"
                             if d else "-")
            why = _why_short(c or py)
            if note:
                why += f'<br><span class="sub"><em>{k.esc(note[0].upper() + note[1:])}.</em></span>'
            ev = " ".join(x for x in (_evidence(c, has_map) if c else "",
                                      _evidence(py, True) if py else "") if x and x != "-")
            rows.append(cells + [why, ev or "-"])
        table = k.table_html(["the batch", "in C", "in Python", "why", "evidence"], rows, "use",
                             num_from=9)
    else:
        rows = [[f'<strong>{k.esc(d.title)}</strong><br><span class="sub">{k.esc(d.rule)}</span>',
                 _use(run, d), _by(d), _why(d), _evidence(d, has_map)] for d in decisions]
        table = k.table_html(["the batch", "use", "by how much", "why", "evidence"], rows,
                             "use", num_from=9)
    noisy = sum(d.disturbed for d in decisions)
    note = (f" {noisy} cell{'s' * (noisy > 1)} disturbed by other processes left out."
            if noisy else "")
    sc = scale.lines(run)
    scales = ("" if not sc else
              f'<p class="lead"><strong>At the lesson\'s scales</strong> (claim '
              f'<a href="#claim-{scale.TAG}">{scale.TAG}</a>: N requests, the lesson\'s cap of '
              f'20 beside none): ' + "<br>".join(k.esc(x) for x in sc) + "</p>")
    return (head + table + '<p class="muted lead">N tasks that each wait L, then compute W, timed '
            "on this machine; an executor is named only where the cells separate it from the "
            f"others (95% intervals).{note}</p>{scales}</section>")
