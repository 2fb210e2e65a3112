"""NAME    htmlclaims.py
PURPOSE The claims section of report.html: for each claim its verdict, model, band, prediction
        and measurement, why it is undecided, and every point's measured interval drawn against
        the band its model allows, so a reader sees how each verdict was reached.

A point's numbers are in the unit its record gives (claims.json: "s", "x", "KiB", "/s" ...).
A claim links to its evidence: its plot (plots.py), or its first case's table. Long lists of
points (the crossover map has one per cell and executor) show the points that did not hold
first and fold the rest away.
"""
from . import fmt, plots
from . import htmlkit as k
from .stats import HOLDS

FOLD_OVER = 10  # points beyond which those that hold are folded away


def unit(p, v):
    """The formatter of a point's numbers, from its unit in the record (its claim's otherwise)."""
    return fmt.of(p.get("unit") or v.get("unit"), html=True)


def band_text(band, f):
    lo, hi = band
    if lo is not None and hi is not None:
        return f"[{f(lo)}, {f(hi)}]"
    if lo is not None:
        return f"≥ {f(lo)}"
    return f"≤ {f(hi)}" if hi is not None else "any"


def _point_row(run, v, p):
    f = unit(p, v)
    m = p.get("measured")
    # A slope or an exact ratio has no interval (level 1, lo = hi): its value alone.
    meas = (f(m[0]) + (f'<br><span class="ci">{k.span(f(m[1]), f(m[2]))} {m[3] * 100:.0f}%'
                       "</span>" if m[3] < 1 else "")) if m else "not measured"
    where = k.esc(k.micro(p["where"]))
    if p.get("case"):
        where = f'<a href="#{k.anchor("case", p["case"])}">{where}</a>'
    cls = "" if p["verdict"] == HOLDS else "undecided"
    return (cls, [where, meas, band_text(p["band"], f),
                  k.interval_svg(m, p["band"], p["verdict"]), k.badge(p["verdict"]),
                  k.esc(k.micro(p.get("reason") or ""))])


def _points(run, v):
    pts = v.get("points") or []
    if not pts:
        return '<p class="muted">No points: not measured in this run.</p>'
    head = ["point", "measured [95%]", "band", "interval vs band", "verdict", "reason"]
    # Points that did not hold come first; beyond FOLD_OVER points those that hold fold away.
    order = sorted(pts, key=lambda p: p["verdict"] == HOLDS)
    shown = [p for p in order if p["verdict"] != HOLDS] if len(pts) > FOLD_OVER else order
    folded = [p for p in order if p not in shown]
    out = []
    if shown:
        out.append(k.table_html(head, [_point_row(run, v, p) for p in shown], "points",
                                num_from=1))
    if folded:
        out.append(f'<details><summary>{"The " if not shown else "And the "}{len(folded)} '
                   f'points that hold</summary>'
                   + k.table_html(head, [_point_row(run, v, p) for p in folded],
                                  "points", num_from=1) + "</details>")
    return "".join(out)


def _evidence(v):
    """' see the io-cap plot' linking to its plot, or to its first case's table."""
    plot = plots.get(v.get("plot") or "")
    if plot:
        return f' <a class="see" href="#{plot.anchor}">see {k.esc(plot.link)}</a>'
    if v.get("see_case") and v.get("cases"):
        case = v["cases"][0]
        return f' <a class="see" href="#{k.anchor("case", case)}">see the {k.esc(case)}</a>'
    return ""


def claim(run, v):
    cid = v["id"]
    held = sum(p["verdict"] == HOLDS for p in v.get("points", []))
    n = len(v.get("points", []))
    facts = [("Model", v["model"]), ("Band", v["tolerance"]), ("Predicted", v["predicted"]),
             ("Measured", v["measured"])]
    if v["verdict"] != HOLDS and v.get("reason"):
        facts.append(("Why", v["reason"]))
    if v.get("note"):
        facts.append(("Note", v["note"]))
    dl = "".join(f"<dt>{name}</dt><dd>{k.esc(k.micro(text or '-'))}</dd>" for name, text in facts)
    link = _evidence(v)
    cls = k.VERDICT_CLASS.get(v["verdict"], "inconclusive")
    return (f'<article class="claim {cls}" id="{k.anchor("claim", cid)}">'
            f'<h3><span class="cid">{cid}</span> {k.esc(v["title"])} {k.badge(v["verdict"])}</h3>'
            f'<p class="tally">{held} of {n} points within their band.{link}</p>'
            f"<dl>{dl}</dl>{_points(run, v)}</article>")


def section(run, verdicts):
    held = sum(v["verdict"] == HOLDS for v in verdicts)
    intro = (f"<p><strong>{held} of {len(verdicts)} claims hold.</strong> A point holds when its "
             "whole 95% interval lies inside the band its model allows, does not hold when the "
             "whole interval lies outside, and is inconclusive otherwise (the run cannot tell). "
             "A claim fails when any point fails, and holds when none fails and at least half "
             "hold. In each drawing the pale strip is the band (an open side runs to the edge), "
             "the line the measured interval and the dot its median.</p>")
    noisy = [c.name for c in run.cases if c.disturbed]
    if noisy:
        intro += (f'<p class="warn">⚠ {len(noisy)} of {len(run.cases)} cases ran while other '
                  f"processes kept the machine busy ({k.esc(', '.join(noisy))}): their points "
                  "can hold but never fail.</p>")
    return ('<section id="claims"><h2>Claims</h2>' + intro
            + "".join(claim(run, v) for v in verdicts) + "</section>")
