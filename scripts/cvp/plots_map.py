"""NAME    plots_map.py
PURPOSE The crossover map's drawing (plots.py's entry crossover-map): the winner of each (L, W)
        cell in its executor's colour, paler when close, hatched grey when the fastest executors
        are tied (a strip in each tied executor's colour beneath).
"""
import os

from . import crossover, models
from .fmt import ms_label, us_label
from .record import by_plot, cases_of

TIE_FILL = "#f0f0f0"  # a tied cell's ground; grey hatching on it says "no single winner"
TIE_HATCH = "#b8b8b8"


def shade(executor, margin, known=()):
    """The executor's colour (models.py), paler the closer the runner-up: a margin just above 1
    is 40% of the colour on white, a 2x margin or more is the full colour. A tie has no winner's
    colour at all (TIE_FILL)."""
    strength = 0.4 + 0.6 * min(1.0, max(0.0, (margin or 1.0) - 1.0))
    hexc = models.colour(executor, known)
    rgb = (int(hexc[1:3], 16), int(hexc[3:5], 16), int(hexc[5:7], 16))
    r, g, b = (round(255 - strength * (255 - c)) for c in rgb)
    return (r << 16) | (g << 8) | b


def cell_labels(c):
    """A cell's four lines: title, detail, N, and a second detail line (ties name up to four
    executors, two per line)."""
    if c.is_tie:
        names = list(c.tied)
        return "tie", ", ".join(names[:2]), f"N={c.n}", ", ".join(names[2:])
    m = c.margin or 1.0
    return c.winner, (f"{m:.2f}x vs {c.runner_up}" if c.runner_up else "alone"), f"N={c.n}", ""


def crossover_map(run, verdicts, d):
    """Winner per cell of the crossover map: rows L, columns W, shaded by margin, labelled; a
    tie is a hatched grey cell naming every tied executor. Wins are the data file's first block
    and ties its second, so each gets its own fill."""
    cell_map = crossover.cells(run, cases_of(by_plot(verdicts, "crossover-map")))
    if not cell_map:
        return None
    lats, works = crossover.axes(cell_map)
    timed = crossover.executors(cell_map)
    blocks = {False: [], True: []}
    for (lat, work), c in sorted(cell_map.items()):
        if not c.winner:
            continue
        colour = int(TIE_FILL[1:], 16) if c.is_tie else shade(c.winner, c.margin, timed)
        a, b, n, b2 = cell_labels(c)
        blocks[c.is_tie].append(f'{works.index(work)} {lats.index(lat)} {colour} "{a}" "{b}" '
                                f'"{n}" "{b2}"\n')
    # Under a tied cell, a strip in the colour of each tied executor, side by side.
    strips = []
    for (lat, work), c in sorted(cell_map.items()):
        for j, ex in enumerate(c.tied if c.is_tie else ()):
            k = len(c.tied)
            strips.append(f"{works.index(work) - 0.5 + (j + 0.5) / k:.4f} "
                          f"{lats.index(lat) - 0.42} {0.5 / k:.4f} "
                          f"{int(models.colour(ex, timed)[1:], 16)}\n")
    with open(os.path.join(d, "crossover-ties.dat"), "w") as f:
        f.writelines(strips or ["NaN NaN 0 0\n"])
    with open(os.path.join(d, "crossover-map.dat"), "w") as f:
        # Gnuplot needs at least one line per block for "index 1"; a NaN cell draws nothing.
        f.writelines(blocks[False] or ['NaN NaN 0 "" "" "" ""\n'])
        f.write("\n\n")
        f.writelines(blocks[True] or ['NaN NaN 0 "" "" "" ""\n'])
    keys = [f"NaN with boxes fs solid lc rgb '#{shade(ex, 3.0, timed):06x}' title '{ex}'"
            for ex in timed]
    keys.append(f"NaN with boxes fs pattern 4 border lc rgb '{TIE_HATCH}' lc rgb '{TIE_HATCH}' "
                "title 'tie (95% intervals overlap)'")
    xt = ", ".join(f"'{us_label(w, micro=True)}' {i}" for i, w in enumerate(works))
    yt = ", ".join(f"'{ms_label(l)}' {i}" for i, l in enumerate(lats))
    cell = "using 1:2:(0.5):(0.5)"
    widest = max((len(t) for c in cell_map.values() if c.winner for t in cell_labels(c)[1:]),
                 default=1)
    (yt_, ft), (y1, y2, yn, fd) = label_layout(len(lats), len(works), widest)
    # Two lines (a double-quoted gnuplot string reads \n): one line is wider than the plot.
    return [f'set title "Which executor wins: N tasks each wait L, then compute W '
            f'(cores = {run.cores})\\npaler = closer race; hatched = a tie (95% intervals '
            'overlap), the tied executors\' colours beneath"',
            "set xlabel 'W: compute per task'", "set ylabel 'L: wait per task'",
            f"set xtics ({xt})", f"set ytics ({yt})", "unset grid",
            f"set xrange [-0.5:{len(works) - 0.5}]", f"set yrange [-0.5:{len(lats) - 0.5}]",
            "set key outside top center horizontal",
            f"plot 'crossover-map.dat' index 0 {cell}:3 with boxxyerror fs solid 1.0 noborder "
            "lc rgb variable notitle, "
            f"'' index 1 {cell}:3 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, "
            f"'' index 1 {cell} with boxxyerror fs transparent pattern 4 noborder "
            f"lc rgb '{TIE_HATCH}' notitle, "
            "'crossover-ties.dat' using 1:2:3:(0.05):4 with boxxyerror fs solid 1.0 noborder "
            "lc rgb variable notitle, "
            f"'crossover-map.dat' using 1:($2+{yt_:.3f}):4 with labels font ',{ft:.3g}' notitle, "
            f"'' using 1:($2+{y1:.3f}):5 with labels font ',{fd:.3g}' notitle, "
            f"'' using 1:($2+{y2:.3f}):7 with labels font ',{fd:.3g}' notitle, "
            f"'' using 1:($2+{yn:.3f}):6 with labels font ',{fd:.3g}' notitle, " + ", ".join(keys)]


# The drawing area of the 800x500 terminals (gnuplot.TERMS) below the two-line title and the
# key, in pixels, and a sans glyph's mean width and line height per point of font size.
_AREA_W, _AREA_H = 700, 340
_CHAR_W, _LINE_H = 0.56, 1.45


def label_layout(rows, cols, widest):
    """Where a cell's four lines go (row units from its centre) and their fonts: ((title y,
    title font), (detail y, second detail y, N y, detail font)). The lines stack from the top
    of the cell down to just above the tie strip (at -0.47..-0.37) with a line's height between
    them, whatever the number of rows; fonts shrink when the stack would not fit the cell's
    height or a detail line (widest characters) its width, so no two lines overlap."""
    row_px, col_px = _AREA_H / max(rows, 1), _AREA_W / max(cols, 1)
    ft, fd = 11.0, 8.0
    top, bottom = 0.46, -0.35  # row units: the usable band above the strip
    need = (ft + 3 * fd) * _LINE_H
    shrink = min(1.0, (top - bottom) * row_px / need,
                 0.94 * col_px / (max(widest, 1) * _CHAR_W * fd))
    ft, fd = max(5.0, ft * min(1.0, (top - bottom) * row_px / need)), max(5.0, fd * shrink)
    th, dh = ft * _LINE_H / row_px, fd * _LINE_H / row_px  # line heights, row units
    # Centre each line in its slot; spread the slack evenly so a tall cell is not top-heavy.
    slack = max(0.0, (top - bottom) - th - 3 * dh) / 5
    y_t = top - slack - th / 2
    y1 = y_t - th / 2 - slack - dh / 2
    y2 = y1 - dh - slack
    yn = y2 - dh - slack
    return (y_t, ft), (y1, y2, yn, fd)
