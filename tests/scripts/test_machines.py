#!/usr/bin/env python3
"""NAME    test_machines.py
PURPOSE make machines' tables (cvp/machines.py) on two fake runs "as is" (a folder per machine,
        each holding a run folder with claims.json, advice.json and answer.txt, as
        scripts/machines.sh leaves them): the advice is compared on advice.json's decisions, so
        answers that differ only in margins and in who sits at the edge of a tie are
        "identical ... advice", and a different decision is "different advice"; a run without
        advice.json falls back to its answer's lines, margins and all.
USAGE   test_machines.py PATH/TO/cvpbench (unused: ctest passes it to every script test)"""
import json
import os
import subprocess
import sys

from fixture import SCRIPTS, check, tmpdir

sys.path.insert(0, SCRIPTS)
from cvp import machines  # noqa: E402

CLAIMS = [{"id": "C1", "verdict": "holds", "reason": ""},
          {"id": "C8", "verdict": "holds", "reason": ""}]
# Two runs' answers: the same decisions, other margins and another executor at a tie's edge.
LINES = ({"many waits": "event-loop, 1.12x faster than hybrid; one thread overlaps every wait",
          "compute only": "no clear winner on this machine: thread-pool, hybrid within 3%"},
         {"many waits": "event-loop, 1.31x faster than thread-pool; one thread overlaps every "
                        "wait",
          "compute only": "no clear winner on this machine: thread-pool, openmp, hybrid "
                          "within 5%"})
SAME = {"many waits": "use event-loop", "compute only": "no clear winner"}


def answer(lines):
    """answer.txt's first block as answer.py writes it with both languages."""
    out = ["Which should I use? (measured here: N tasks that wait L, then compute W; the "
           "crossover map, in C and in Python)"]
    for kind, line in lines.items():
        out += [f"  {kind}:", f"    in C:       {line}  [2 cells; C8]",
                f"    in Python:  {line.replace('event-loop', 'py-asyncio')}  [2 cells; CM]"]
    return "\n".join(out) + "\n\nClaims: 2 of 2 hold.\n"


def advice(lines, decisions):
    """advice.json as render.advice_record writes it: a row per kind and language."""
    rows = [{"kind": kind, "lang": lang, "line": line, "decision": decisions[kind] if lang == "C"
             else decisions[kind].replace("event-loop", "py-asyncio")}
            for kind, line in lines.items() for lang in ("C", "Python")]
    return {"schema": 1, "advice": rows}


def stamp(runs):
    """A make machines folder: per machine, seconds and a run folder; runs is
    [(machine, answer lines, decisions or None for a run from before advice.json)]."""
    d = tmpdir(prefix="machines-")
    for name, lines, decisions in runs:
        run = os.path.join(d, name, "2026-01-01T000000Z")
        os.makedirs(run)
        with open(os.path.join(d, name, "seconds"), "w") as f:
            f.write("60\n")
        with open(os.path.join(run, "claims.json"), "w") as f:
            json.dump(CLAIMS, f)
        with open(os.path.join(run, "answer.txt"), "w") as f:
            f.write(answer(lines))
        if decisions is not None:
            with open(os.path.join(run, "advice.json"), "w") as f:
                json.dump(advice(lines, decisions), f)
    return d


def summary(d):
    return machines.tables(machines.load(d))


def main():
    a, b = LINES
    d = stamp([("as-is", a, SAME), ("as-is-again", b, SAME)])
    body, said = summary(d)
    check("identical verdicts and identical advice" in said,
          f"the same decisions, other margins and tie edges: identical advice ({said})")
    check("| many waits, in C | use event-loop | use event-loop |" in body
          and "| compute only, in Python | no clear winner | no clear winner |" in body
          and "1.12x" not in body,
          f"the advice table shows the decisions, per kind and language, without margins\n{body}")
    r = subprocess.run([sys.executable, "-m", "cvp.machines", d], cwd=SCRIPTS,
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and "identical advice" in r.stdout
          and os.path.isfile(os.path.join(d, "table.md")),
          f"python3 -m cvp.machines: exit 0, the summary printed and table.md written "
          f"({r.stderr.strip()[:200]})")

    other = dict(SAME, **{"compute only": "use hybrid"})
    _, said = summary(stamp([("as-is", a, SAME), ("as-is-again", b, other)]))
    check("identical verdicts and different advice" in said,
          f"a different decision: different advice ({said})")

    # Runs from before advice.json: their answers' lines, margins and all, are the advice.
    _, said = summary(stamp([("as-is", a, None), ("as-is-again", a, None)]))
    check("identical advice" in said, f"no advice.json, the same answer lines: identical ({said})")
    _, said = summary(stamp([("as-is", a, None), ("as-is-again", b, None)]))
    check("different advice" in said,
          f"no advice.json, the answers' margins differ: different advice ({said})")


if __name__ == "__main__":
    main()
