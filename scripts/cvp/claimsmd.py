"""NAME    claimsmd.py
PURPOSE summary.md's claims table (claim, verdict, predicted, measured) and each claim's model
        and band, from the claims' record (claims.json); never judges.
"""
from .stats import FAILS, HOLDS


def markdown(verdicts):
    out = ["| claim | verdict | predicted | measured (median [95% interval]) |",
           "|---|---|---|---|"]
    for v in verdicts:
        mark = {HOLDS: "**holds**", FAILS: f"**does not hold** ({v['reason']})"}.get(
            v["verdict"], f"inconclusive ({v['reason']})")
        if v.get("note"):
            mark += f" ({v['note']})"
        out.append(f"| {v['id']}: {v['title']} | {mark} | {v['predicted'] or '-'} | "
                   f"{v['measured'] or '-'} |")
    out += ["", "Models and tolerances:", ""]
    out += [f"- **{v['id']}**: {v['model']}. Band: {v['tolerance']}." for v in verdicts]
    return "\n".join(out)
