"""NAME    htmlconstants.py
PURPOSE The report's section "Constants not measured here": constants.py's one table of the
        numbers the claims still hold that this run did not measure (name, value, where used,
        kind, why), so a reader sees every figure a band takes from outside the machine.
"""
from . import constants
from . import htmlkit as k

KINDS = {"world": "a property of the world (true on any machine, or the claim's own words)",
         "statistics": "a rule or level of the statistics",
         "stated": "chosen by hand, not yet derived from a measurement"}


def _value(v):
    return ", ".join(f"{x:g}" for x in v) if isinstance(v, tuple) else f"{v:g}"


def section(run=None):
    """The section's HTML (run unused: the table is the code's, the same for every run)."""
    rows = [[f"<code>{k.esc(c['name'])}</code>", k.esc(_value(c["value"])), k.esc(c["used"]),
             k.esc(c["kind"]), k.esc(c["why"])] for c in constants.TABLE]
    kinds = "; ".join(f"<em>{k.esc(n)}</em>: {k.esc(t)}" for n, t in KINDS.items())
    return ('<section id="constants"><h2>Constants not measured here</h2>'
            '<p class="muted">Every other figure in a band is this machine\'s, measured by '
            "<code>cvpbench calibrate</code> (machine.json) or taken from the run's own "
            f"samples. Kinds: {kinds}.</p>"
            + k.table_html(["name", "value", "used in", "kind", "why"], rows, "constants",
                           num_from=99)
            + "</section>")
