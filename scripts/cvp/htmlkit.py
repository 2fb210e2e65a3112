"""NAME    htmlkit.py
PURPOSE The small pieces every section of report.html is built from: escaping, numbers with
        their units and intervals, an executor's name in its colour, verdict badges, tables and
        the tiny inline SVG drawings (an interval against its band, a bar with its interval).

Everything returns a string of HTML. Numbers are formatted by fmt.py, as in every other table,
so a time reads the same everywhere (s, ms, µs).
"""
import html
import math
import re

from . import fmt, models
from .stats import FAILS, HOLDS

VERDICT_CLASS = {HOLDS: "holds", FAILS: "fails"}  # anything else is inconclusive


def esc(text):
    return html.escape(str(text), quote=True)


def micro(text):
    """The claims (claims/), costs.py and crossover.py write ASCII 'us' (their Markdown and JSON
    are read by tests and the README check); the page writes µs."""
    return re.sub(r"(\d) us\b", "\\1 µs", str(text))


s = fmt.s  # seconds in the unit that fits: '2.020 s', '20.2 ms', '870 µs', '-' for nothing
kib = fmt.kib


def span(lo, hi):
    """An interval of two formatted numbers, its unit written once when they share it:
    '[512.6, 520.7 ms]'."""
    a, b = lo.rsplit(" ", 1), hi.rsplit(" ", 1)
    if len(a) == 2 and len(b) == 2 and a[1] == b[1]:
        return f"[{a[0]}, {hi}]"
    return f"[{lo}, {hi}]"


def _ci(text, stack):
    return f'{"<br>" if stack else " "}<span class="ci">{text}</span>'


def est_s(e, stack=False):
    """A time estimate: the median and, smaller, its interval (below it when stack, so that
    dense tables stay narrow)."""
    if e is None:
        return "-"
    return s(e.value) + _ci(span(s(e.lo), s(e.hi)), stack)


def est_x(e, stack=False):
    """A ratio estimate: '1.99× [1.95, 2.09]'."""
    if e is None:
        return "-"
    return fmt.of("x", html=True)(e.value) + _ci(f"[{e.lo:.2f}, {e.hi:.2f}]", stack)


def colour(run, executor):
    return models.colour(executor, run.executors)


def pale(hexc, strength):
    """The colour mixed with white: strength 1 is the colour, 0 is white."""
    rgb = [int(hexc[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - strength * (255 - c)):02x}" for c in rgb)


def ex(run, label, executor=None):
    """An executor (or a row's label) with its colour's dot in front: the same colour as in every
    plot."""
    c = colour(run, executor or label.split()[0])
    return f'<span class="ex" style="--c:{c}">{esc(label)}</span>'


def badge(verdict):
    cls = VERDICT_CLASS.get(verdict, "inconclusive")
    return f'<span class="badge {cls}">{esc(verdict)}</span>'


def _drop_empty(head, rows):
    """Without the columns (but the first) that hold nothing in any row: a quick run has no
    whole-process times, most cases no GFLOP/s."""
    cells = [r[1] if isinstance(r, tuple) and r[0] != "group" else r for r in rows
             if not (isinstance(r, tuple) and r[0] == "group")]
    keep = [i for i in range(len(head))
            if i == 0 or any(i < len(c) and c[i] not in ("-", "") for c in cells)]

    def cut(r):
        if isinstance(r, tuple) and r[0] == "group":
            return r
        if isinstance(r, tuple):
            return (r[0], [r[1][i] for i in keep if i < len(r[1])])
        return [r[i] for i in keep if i < len(r)]
    return [head[i] for i in keep], [cut(r) for r in rows]


def table_html(head, rows, cls="", num_from=1, drop_empty=False):
    """A table: head is a list of header cells (HTML), rows a list of lists of cell HTML (or a
    ('group', text) tuple for a full-width group heading, or (row class, cells)). Columns from
    num_from on are numbers: right-aligned, tabular figures. It scrolls sideways inside its own
    box when wider than the page, never the page."""
    if drop_empty:
        head, rows = _drop_empty(head, rows)
    out = [f'<div class="wide"><table class="{cls}">']
    if any(head):  # a table of facts has no heading row
        out.append("<thead><tr>")
        out += [f'<th{" class=num" if i >= num_from else ""}>{h}</th>' for i, h in enumerate(head)]
        out.append("</tr></thead>")
    out.append("<tbody>")
    for r in rows:
        if isinstance(r, tuple) and r[0] == "group":
            out.append(f'<tr class="group"><th colspan="{len(head)}">{r[1]}</th></tr>')
            continue
        attrs = ""
        if isinstance(r, tuple):  # (row class, cells)
            attrs, r = f' class="{r[0]}"', r[1]
        out.append(f"<tr{attrs}>" + "".join(
            f'<td{" class=num" if i >= num_from else ""}>{c}</td>' for i, c in enumerate(r))
                   + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _x_of(lo, hi, width, pad=4):
    span = hi - lo
    return lambda v: pad + (width - 2 * pad) * ((v - lo) / span if span > 0 else 0.5)


def interval_svg(measured, band, verdict, width=140, height=22):
    """The point's interval (a line, its median a dot) over the band its model allows (a pale
    strip, with an edge where the band is closed; an open side runs to the edge)."""
    if not measured:
        return ""
    v, lo, hi = measured[0], measured[1], measured[2]
    b_lo, b_hi = band
    vals = [x for x in (v, lo, hi, b_lo, b_hi) if x is not None and math.isfinite(x)]
    d_lo, d_hi = min(vals), max(vals)
    pad = (d_hi - d_lo) * 0.12 or abs(v) * 0.1 or 1.0
    d_lo, d_hi = d_lo - pad, d_hi + pad
    x = _x_of(d_lo, d_hi, width)
    bx0 = x(b_lo) if b_lo is not None else 0
    bx1 = x(b_hi) if b_hi is not None else width
    cls = VERDICT_CLASS.get(verdict, "inconclusive")
    mid = height / 2
    parts = [f'<svg class="iv" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="interval against band">',
             f'<rect class="band" x="{bx0:.1f}" y="3" width="{max(1.0, bx1 - bx0):.1f}" '
             f'height="{height - 6}"/>']
    for edge, closed in ((bx0, b_lo is not None), (bx1, b_hi is not None)):
        if closed:
            parts.append(f'<line class="edge" x1="{edge:.1f}" x2="{edge:.1f}" y1="1" '
                         f'y2="{height - 1}"/>')
    parts += [f'<line class="ivl {cls}" x1="{x(lo):.1f}" x2="{max(x(hi), x(lo) + 1):.1f}" '
              f'y1="{mid}" y2="{mid}"/>',
              f'<circle class="{cls}" cx="{x(v):.1f}" cy="{mid}" r="3.5"/></svg>']
    return "".join(parts)


def bar_svg(e, longest, c, width=90, height=14):
    """A bar as long as the median (the longest of its group fills the width) in the executor's
    colour, with its interval as a whisker: ratios within a group at a glance."""
    if e is None or not longest:
        return ""
    x = lambda t: 1 + (width - 4) * t / longest  # noqa: E731 - the group's linear scale
    mid = height / 2
    return (f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-hidden="true"><rect x="1" y="3" width="{max(1.0, x(e.value) - 1):.1f}" '
            f'height="{height - 6}" fill="{c}" fill-opacity="0.75"/>'
            f'<line x1="{x(e.lo):.1f}" x2="{max(x(e.hi), x(e.lo) + 0.5):.1f}" y1="{mid}" '
            f'y2="{mid}" stroke="#222" stroke-width="1.2"/></svg>')


def anchor(kind, name):
    """A stable id for a section: 'case-n-sweep', 'claim-C1', 'plot-io-cap'."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-")
