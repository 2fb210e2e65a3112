"""NAME    fmt.py
PURPOSE The one place numbers become text: times, ratios, intervals, sizes and a value in its
        unit. Every table, claim, answer and page formats through here, so a figure reads the
        same wherever it appears (scripts/advise still has its own, for now).

Times use the unit that fits, with thresholds that survive rounding: never "1000 µs" or
"1000.0 ms". Claims and Markdown write ASCII "x" for a ratio; the page writes "×" (html=True).
"""


def s(x):
    """Seconds in the unit that fits: '2.020 s', '20.2 ms', '870 µs', '-' for nothing."""
    if x is None:
        return "-"
    if x >= 0.9995:
        return f"{x:.3f} s"
    if x >= 0.9995e-3:
        return f"{x * 1e3:.1f} ms"
    return f"{x * 1e6:.0f} µs"


def _level(e):
    """' (75% interval)' when an interval covers materially less than the 95% every header
    promises (three rounds give 75%), else ''."""
    return f" ({e.level:.0%} interval)" if e.n > 1 and e.level < 0.9 else ""


def est(e, f=s):
    """An estimate as 'median [low, high]' in f's unit (seconds by default), '-' for none; its
    coverage after it when that is well below 95%."""
    return "-" if e is None else f"{f(e.value)} [{f(e.lo)}, {f(e.hi)}]{_level(e)}"


def x(v):
    """A ratio: '1.99x'."""
    return f"{v:.2f}x"


def x_est(e):
    """A ratio estimate: '1.99x [1.95, 2.09]', '-' for none (its coverage as est())."""
    return "-" if e is None else f"{e.value:.2f}x [{e.lo:.2f}, {e.hi:.2f}]{_level(e)}"


def ms_bare(x):
    """Seconds as bare milliseconds, three significant digits (a table whose header says ms and
    whose times span 1e4: the crossover map's), '-' for nothing."""
    if x is None:
        return "-"
    ms = x * 1e3
    return f"{ms:.3g}" if ms < 1000 else f"{ms:.0f}"


def kib(k):
    """Memory from KiB: KiB below 1 MiB, else MiB with one decimal."""
    if k is None:
        return "-"
    return f"{k:.0f} KiB" if k < 1024 else f"{k / 1024:.1f} MiB"


# A claim's or a point's unit (claims.json's "unit") -> how one of its values reads.
_UNITS = {"s": s, "KiB": lambda v: f"{v:.2f} KiB", "B": lambda v: f"{v:.0f} B",
          "GFLOP/s": lambda v: f"{v:.1f} GFLOP/s", "/s": lambda v: f"{v:.0f}/s"}


def of(unit, html=False):
    """The formatter of values in unit: 's', 'x' (a ratio; '×' on the page), 'KiB', 'B',
    'GFLOP/s', '/s'; an unknown unit is written after the number."""
    if unit in (None, "x"):
        sign = "×" if html else "x"
        return lambda v: f"{v:.2f}{sign}"
    return _UNITS.get(unit, lambda v: f"{v:.3g} {unit}")


def ms_label(ms):
    """A parameter given in ms, as set: '100 ms', '0.5 ms' (the crossover map's L)."""
    return f"{ms:g} ms"


def us_label(us, micro=False):
    """A parameter given in µs, as set: '500 us' ('500 µs' when micro, for the page and the
    plots), '2 ms' from a millisecond up (the crossover map's W)."""
    return f"{us / 1000:g} ms" if us >= 1000 else f"{us:g} {'µs' if micro else 'us'}"


def clock(s):
    """A wall-clock duration of a run for progress lines: '45s', '3m05s'."""
    s = int(round(s))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"
