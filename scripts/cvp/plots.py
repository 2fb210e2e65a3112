"""NAME    plots.py
PURPOSE The plot registry: every plot of a run is one entry here (name, title, what it shows,
        the function that draws it), which scripts/plot draws and summary.md and report.html
        show. Adding a plot = one register() call (its drawing function may live here or in a
        plots_*.py module). A claim names its evidence plot by name (claims/): those claims
        are the plot's (its heading lists them), and the page links each to the plot's anchor.

A drawing function takes (run, verdicts, plots folder) and returns gnuplot lines, or None when
the run has no data for it; verdicts are claims.json's records (record.py), so a plot shows what
the claims recorded and never judges. Each plot lands in RUN_DIR/plots/NAME.{svg,png,gp}.
"""
from . import claims, plots_cpu, plots_map, plots_waits
from .record import by_plot

_PLOTS = {}


class Plot:
    """name: the files' stem; title (its heading adds the claims it is evidence for); shows:
    how to read it; draw(run, verdicts, d); link: how a claim names it ("the io-cap plot");
    anchor: where the page shows it; section: "plots" (the plots section) or "map" (its own
    section); summary(run, verdicts): whether summary.md links it."""

    def __init__(self, name, title, shows, draw, link=None, anchor=None, section="plots",
                 summary=lambda run, verdicts: True):
        self.name, self.shows, self.draw, self.heading = name, shows, draw, title
        self.link = link or f"the {name} plot"
        self.anchor = anchor or f"plot-{name}"
        self.section, self.summary = section, summary

    @property
    def claims(self):
        """The ids of the claims that name this plot as their evidence (claims registry): a
        claim says which plot shows it, so the two cannot disagree."""
        return tuple(s.id for s in claims.specs() if s.plot == self.name)

    @property
    def title(self):
        return self.heading + (f" ({', '.join(self.claims)})" if self.claims else "")


def register(plot):
    """Adds a plot to the registry, after those already there (the same name replaces)."""
    _PLOTS[plot.name] = plot
    return plot


def all_plots():
    return list(_PLOTS.values())


def get(name):
    return _PLOTS.get(name)


def _never(run, verdicts):
    return False


register(Plot(
    "io-cap", "I/O: wall time vs in-flight cap",
    "Each case's executors against that case's ideal ⌈N/C⌉·L (grey, one dash style per case); "
    "cases differ by point shape. Points sit on the line when only the cap limits the batch.",
    plots_waits.io_cap))
register(Plot(
    "cpu-speedup", "CPU-bound: speed-up over sequential vs threads",
    "Speed-up over sequential with its 95% interval, per case and pool; the dashed line is the "
    "ideal min(T, cores). Points are nudged sideways so their intervals stay visible.",
    plots_cpu.cpu_speedup, link="the speed-up plot"))
register(Plot(
    "n-sweep", "How cost grows with the number of tasks N",
    "In-process wall time with its 95% interval against N: sequential grows as N·L; an "
    "executor that overlaps all waits stays near L until the per-task costs add up. Batches "
    "only: an open-loop case lasts its rate × duration, whatever the executor, and is not here.",
    plots_waits.n_sweep))
register(Plot(
    "memory", "Memory held per task in flight",
    "The memory each executor holds with all N tasks in flight, log-log (points); the dashed "
    "line is the straight fit a + b·N over N ≥ 1000 that claim C6 measures, drawn over every "
    "N (on log axes it bends where the fixed cost a dominates), with b per task in the legend.",
    plots_cpu.memory, summary=_never))
register(Plot(
    "open-loop", "Open loop: response time against the offered rate",
    "Median and p99 response, timed from each task's arrival, per executor; the vertical line "
    "is the capacity C/L, the dotted curve the model's median (a queue of C servers). Below "
    "the capacity a task waits only for itself; above it the queue grows for as long as tasks "
    "arrive.", plots_waits.open_loop, summary=_never))
register(Plot(
    "crossover-map", "Which executor wins each cell",
    "The winner of each (L, W) cell in its executor's colour, paler when close, hatched grey "
    "when the fastest executors are tied.", plots_map.crossover_map,
    link="the crossover map", anchor="crossover", section="map",
    summary=lambda run, verdicts: bool(by_plot(verdicts, "crossover-map").get("cells"))))
