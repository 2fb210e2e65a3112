"""NAME    htmlmap.py
PURPOSE The crossover map's section of report.html (from its claim's record, C8 in the default
        suite): the heat map gnuplot drew, the map as a table whose cells name the winner and
        its margin with its interval, or every executor tied for fastest, each in its colour;
        and each executor's measured time against its model, cell by cell.
"""
from . import crossover
from .fmt import ms_label, us_label
from . import htmlkit as k
from .costs import Costs

MARK = {"holds": ("✓", "the model picked it"), "does not hold": ("✗", "the model did not"),
        "inconclusive": ("?", "the run cannot tell")}


def _mark(verdict):
    m = MARK.get(verdict)
    return f' <span class="vm" title="{m[1]}">{m[0]}</span>' if m else ""


def _cell(run, c, timed):
    """A map cell: background in the winner's colour (pale), or hatched grey for a tie."""
    if not c.winner:
        return '<td class="empty">-</td>'
    if c.is_tie:
        names = "<br>".join(k.ex(run, x) for x in c.tied)
        return (f'<td class="tie"><div class="who">tie{_mark(c.verdict)}</div>{names}'
                f'<div class="n">N = {c.n}</div></td>')
    m = c.margin_est
    margin = (f"{k.est_x(m, True)} over {k.esc(c.runner_up)}" if m else "alone")
    # Paler the closer the race, as in the heat map: a 2x margin or more is the strongest.
    strength = 0.2 + 0.3 * min(1.0, max(0.0, (c.margin or 1.0) - 1.0))
    col = k.pale(k.colour(run, c.winner), strength)
    return (f'<td class="win" style="background:{col}"><div class="who">{k.ex(run, c.winner)}'
            f'{_mark(c.verdict)}</div><div>{margin}</div><div class="n">N = {c.n}</div></td>')


def _grid(run, cell_map):
    lats, works = crossover.axes(cell_map)
    timed = crossover.executors(cell_map)
    out = ['<table class="map"><thead><tr><th>L \\ W</th>']
    out += [f"<th>{us_label(w, micro=True)}</th>" for w in works]
    out.append("</tr></thead><tbody>")
    # Largest L on top, as in the heat map.
    for lat in reversed(lats):
        out.append(f"<tr><th>{ms_label(lat)}</th>")
        out += [_cell(run, cell_map[(lat, w)], timed) if (lat, w) in cell_map
                else '<td class="empty">not measured</td>' for w in works]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _models(run, cell_map):
    """Measured [interval] and model per executor and cell, the winner and the model's pick."""
    costs = Costs(run.machine)
    timed = crossover.executors(cell_map)
    # The winner is in the map above and in bold here: the last column is the model's pick.
    head = ["cell"] + [k.ex(run, e) for e in timed] + ["model's pick"]
    rows = []
    for c, each, picks in crossover.versus_model(run, cell_map, costs):
        row = [f"L = {ms_label(c.lat_ms)}<br>W = {us_label(c.work_us, micro=True)}<br>"
               f'<span class="muted">N = {c.n}</span>']
        for e in timed:
            if e not in each:
                row.append("-")
                continue
            r, how, model = each[e]
            model = "no model" if model is None else k.s(model)
            cls = ' class="best"' if e in c.tied else ""
            row.append(f"<span{cls}>{k.est_s(r.est, True)}</span><br><span class=\"muted\">model "
                       f"{model}{'<br>' + k.esc(how) if how else ''}</span>")
        row.append("<br>".join(k.ex(run, e) for e in picks) + _mark(c.verdict))
        rows.append(row)
    return k.table_html(head, rows, "models", num_from=1)


def section(run, c8, svg, anchor="crossover", title="The crossover map: which executor wins "
            "each mix of waiting and computing"):
    """The section, or '' without crossover cells. c8 is the map claim's record (its cells carry the
    per-cell verdicts: C8 in C, CM for the Python map); svg the inlined heat map or None; anchor
    the section's id."""
    cell_map = crossover.cells(run, c8.get("cases") or [])
    if not cell_map:
        return ""
    verdicts = {(c["latency_ms"], c["work_us"]): c.get("verdict") for c in c8.get("cells", [])}
    for key, c in cell_map.items():
        c.verdict = verdicts.get(key, c.verdict)
    cid = k.esc(c8.get("id", ""))
    intro = ("<p>Each of N tasks waits L (rows: a <code>/delay/L</code> request) and then "
             "computes W (columns: a calibrated hash chain). Every executor runs at its best "
             "setting. A cell names the fastest executor by in-process time and its margin over "
             "the runner-up with the margin's 95% interval; when their intervals do not "
             "separate, the cell is a <strong>tie</strong> and names every executor tied for "
             f"fastest. ✓ / ✗ / ?: claim {cid}'s model picked it, did not, or the run cannot "
             f"tell (usable cores P = {run.cores}; claim "
             f"<a href=\"#{k.anchor('claim', cid)}\">{cid}</a> "
             f"{k.badge(c8.get('verdict', 'inconclusive'))}).</p>")
    fig = (f'<figure class="plot">{svg}<figcaption>The heat map (plots/crossover-map.svg): paler '
           "means a closer race; hatched grey a tie, with the tied executors' colours beneath."
           "</figcaption></figure>") if svg else ""
    return (f'<section id="{anchor}"><h2>{k.esc(title)}</h2>' + intro + fig + _grid(run, cell_map)
            + "<h3>Measured against the model, cell by cell</h3><p class=\"muted\">In-process "
            "median [95% interval] of each executor's fastest setting (named when it has "
            f"several), and its {cid} model's time; highlighted where tied for fastest.</p>"
            + _models(run, cell_map) + "</section>")
