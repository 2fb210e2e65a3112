"""NAME    damage.py
PURPOSE What results.py could not load from a run folder, and how every renderer says so.

A run folder can be damaged after the fact (a disk, an editor, a copy cut short): a byte that
is not UTF-8, a line cut mid-way, a field of the wrong type, case.json gone, a file where a
folder belongs. The reader loads what is whole and keeps one entry per thing it skipped: the
file (relative to the run folder), the line when there is one, what was wrong, and the case
and claims that lost evidence by it. Every output then leads with that list, and a claim whose
evidence was lost is inconclusive, "evidence lost (case X: ...)", instead of quietly judged on
what remains (judge_lost, called by claims.judge). What counts as damaged (the checks of each
file, line and field) is validate.py's.
"""
import html as _html
import os
import sys

from . import fsutil
from .stats import INCONCLUSIVE

SHOWN = 20  # entries listed in full; the rest are counted


def entry(file, what, line=None, case=None, claims=None, lost=True):
    """One thing the reader skipped. claims: the case's claim tags, None when not known (then
    every claim may have lost evidence); lost: the skipped part was measurements (not only a
    label or the whole-process column)."""
    return {"file": file, "line": line, "what": what, "case": case,
            "claims": None if claims is None else list(claims), "lost": lost}


def text(d):
    return d["file"] + (f" line {d['line']}" if d.get("line") else "") + f": {d['what']}"


def lost_for(run, cid):
    """The damage entries that took evidence from claim cid: a skipped part of a case tagged
    with it, or of a case (or a run-wide file) whose tags are not known."""
    return [d for d in getattr(run, "damage", []) if d["lost"]
            and (d["claims"] is None or cid in d["claims"])]


def judge_lost(run, verdicts):
    """A claim that lost evidence is inconclusive, saying what was lost, whatever the rest gave:
    a verdict on part of its rows would flip silently (a point gone, an interval wider)."""
    for v in verdicts:
        lost = lost_for(run, v["id"])
        if not lost:
            continue
        was = v["verdict"]
        v["verdict_on_what_remains"] = was
        v["evidence_lost"] = [text(d) for d in lost]
        first = lost[0]
        case = first["case"] or "run"
        more = f"; and {len(lost) - 1} more" if len(lost) > 1 else ""
        v["verdict"] = INCONCLUSIVE
        v["reason"] = f"evidence lost (case {case}: {_in_case(first)}{more})"
        note = f"what remains would give: {was}"
        v["note"] = note + (f"; {v['note']}" if v.get("note") else "")
    return verdicts


def _in_case(d):
    """The entry's file as seen from its case folder (point-0.jsonl line 3: ...)."""
    parts = d["file"].split("/")
    short = "/".join(parts[2:]) if len(parts) > 2 and parts[0] == "cases" else d["file"]
    return (short or parts[-1]) + (f" line {d['line']}" if d.get("line") else "") + \
        f": {d['what']}"


def summary_line(run):
    """One line: how much was skipped and which cases lost data."""
    dmg = run.damage
    cases = list(dict.fromkeys(d["case"] for d in dmg if d["case"] and d["lost"]))
    return (f"DAMAGED RUN: {len(dmg)} damaged file{'s' if len(dmg) != 1 else ''} or line"
            f"{'s' if len(dmg) != 1 else ''} skipped"
            + (f"; cases that lost data: {', '.join(cases)}" if cases else "")
            + "; tables, headlines and claims below lack what they held")


def lines(run, indent="  "):
    """The damage as text lines (empty for a whole run): the summary, then one line each."""
    dmg = getattr(run, "damage", [])
    if not dmg:
        return []
    out = [summary_line(run)]
    out += [f"{indent}{text(d)}" for d in dmg[:SHOWN]]
    if len(dmg) > SHOWN:
        out.append(f"{indent}... and {len(dmg) - SHOWN} more")
    return out


def write_outputs(tool, run_dir, run, make):
    """What tabulate and report share: make() gives [(file name, text)], all made before any
    is written. Returns the exit status: 0 written; 1 written, but the run is damaged (listed on
    stderr, as atop every file); 2 nothing written, said in one line: a folder it cannot write,
    or a run too damaged to render (a clean run's failure stays a traceback: it is a bug)."""
    try:
        files = make()
    except Exception as e:  # noqa: BLE001
        if not run.damage:
            raise
        print(f"{tool}: {run_dir} is too damaged to use ({type(e).__name__}: "
              f"{str(e)[:200]!r}); first damage: {text(run.damage[0])}", file=sys.stderr)
        return 2
    for name, body in files:
        try:
            fsutil.write_atomic(os.path.join(run_dir, name), body)
        except OSError as e:
            print(f"{tool}: cannot write {os.path.join(run_dir, name)}: {e.strerror or e}",
                  file=sys.stderr)
            return 2
    if run.damage:
        print("\n".join(f"{tool}: {line}" for line in lines(run)), file=sys.stderr)
        return 1
    return 0


def markdown(run):
    """summary.md's warning under its title ('' for a whole run)."""
    hurt = lines(run, indent="")
    if not hurt:
        return ""
    return "\n".join([f"> ⚠ **{hurt[0]}**", ">"] + [f"> - `{x}`" for x in hurt[1:]]) + "\n"


def html_section(run):
    """report.html's warning block, first thing under the header ('' for a whole run); an
    aside, so the page's sections keep their order (the answer first)."""
    hurt = lines(run, indent="")
    if not hurt:
        return ""
    items = "".join(f"<li><code>{_html.escape(x)}</code></li>" for x in hurt[1:])
    return (f'<aside id="damage" class="warn" role="alert"><h2>⚠ This run is damaged</h2>'
            f"<p><strong>{_html.escape(hurt[0])}.</strong> The reader skipped what it could not "
            "load; claims that lost evidence say so and are inconclusive.</p>"
            f"<ul>{items}</ul></aside>")
