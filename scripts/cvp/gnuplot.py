"""NAME    gnuplot.py
PURPOSE What every plot's drawing shares (plots.py's entries): the two terminals, point shapes
        and ideal-line styles, data files beside the script, gnuplot's quoting, an executor's
        style, and render(), which writes NAME.gp and runs gnuplot for the SVG and the PNG.
        An executor has the same colour in every plot (models.colour) and in report.html.
"""
import os
import subprocess
import sys

from . import models

# UTF-8 so that µ and × reach both terminals as themselves.
TERMS = (("svg", "svg size 800,500 dynamic enhanced font 'sans,12'"),
         ("png", "pngcairo size 800,500 enhanced font 'sans,10'"))
# Filled circle, square, triangle, diamond, pentagon: one per case of a plot.
POINTS = (7, 5, 9, 13, 15)
# Ideal lines, one style per case: dark grey dashes, then other greys and dash patterns.
IDEALS = (("#404040", 2), ("#8c8c8c", 4), ("#000000", 3), ("#bdbdbd", 5))


def quote(text):
    """A gnuplot single-quoted string (a quote doubles)."""
    return "'" + str(text).replace("'", "''") + "'"


def series_file(d, name, points):
    """Writes rows of numbers (x, y[, lo, hi]) sorted by x; returns the file's name."""
    path = os.path.join(d, f"{name}.dat")
    with open(path, "w") as f:
        f.writelines(" ".join(f"{v:.6g}" for v in p) + "\n" for p in sorted(points))
    return os.path.basename(path)


def style(run, executor, k):
    """The executor's colour, the k-th case's point shape (and dashes after the first case)."""
    return (f"lc rgb '{models.colour(executor, run.executors)}' pt {POINTS[k % len(POINTS)]} "
            f"ps 0.9 lw 1.5 dt {1 if k == 0 else 2}")


def ms_points(row, x):
    """(x, median, lo, hi) of a row's in-process time in milliseconds."""
    e = row.est
    return (x, e.value * 1e3, e.lo * 1e3, e.hi * 1e3)


def render(d, name, body):
    script = os.path.join(d, f"{name}.gp")
    lines = ["set encoding utf8", "set grid", "set key font ',10'"]
    for ext, term in TERMS:
        lines += [f"set terminal {term}", f"set output '{name}.{ext}'"] + body + ["unset output"]
    with open(script, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    r = subprocess.run(["gnuplot", os.path.basename(script)], cwd=d, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"plot: gnuplot failed on {script}: {r.stderr.strip()}", file=sys.stderr)
    return r.returncode == 0
