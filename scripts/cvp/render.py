"""NAME    render.py
PURPOSE tabulate's render step: the text files of a run directory (answer.txt, summary.md,
        results.csv and, with a crossover map, which-should-i-use.md and advice.json) from the
        run's results and its claims' record (claims.json's verdicts, as record.py loads
        them). It judges nothing, so a verdict changed in claims.json is the verdict every
        file shows.
"""
import json

from . import advice, answer, contrast, table
from .record import by_plot


def files(run, verdicts):
    """[(file name, its text)], all made before any is written."""
    # The answer in about 25 lines, with the run directory left for the printer to fill in.
    out = [("answer.txt", "\n".join(answer.lines(run, verdicts, ".")) + "\n"),
           ("summary.md", table.summary(run, verdicts)), ("results.csv", table.results_csv(run))]
    # The README's "Which should I use?" comes from the measured map, never from prose by hand.
    advice_md = advice.markdown(run, by_plot(verdicts, "crossover-map"), verdicts)
    if advice_md:
        out.append(("which-should-i-use.md", advice_md))
    both = contrast.pairs(run, verdicts)
    if both:
        out.append(("advice.json", json.dumps(advice_record(both), indent=1) + "\n"))
    return out


def advice_record(pairs):
    """advice.json: per kind and language the decision (pick.Decision.decision: what to use,
    without the figures that vary from run to run) and the answer's full line beside it."""
    rows = []
    for _key, title, _rule, c, py, _note in pairs:
        for d, lang in ((c, "C"), (py, "Python")):
            if d:
                rows.append({"kind": title, "lang": lang, "decision": d.decision(),
                             "use": d.pick, "tied": d.tied, "barred": d.barred,
                             "cells": len(d.cells), "disturbed_cells": d.disturbed,
                             "line": d.verdict()})
    return {"schema": 1, "advice": rows}
