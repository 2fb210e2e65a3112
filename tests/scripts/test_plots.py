#!/usr/bin/env python3
"""NAME    test_plots.py
PURPOSE The plots' drawings (issue 23 item 5) on a copy of results/sample, judged afresh by
        scripts/tabulate, without running gnuplot: the n-sweep leaves open-loop rows out (their
        time is rate x duration); the cpu-speedup legend names the task count of the rows drawn
        ("1 task" in the singular); the memory plot draws each executor's fit as a line of its
        own in the legend; the open-loop plot leaves room below the model's flat part; the
        crossover map's label lines never overlap, whatever the number of rows and columns.
USAGE   test_plots.py PATH/TO/cvpbench"""
import os
import shutil
import subprocess
import sys
import types

from fixture import ROOT, SCRIPTS, check, cvpbench, tmpdir

sys.path.insert(0, SCRIPTS)
from cvp import plots_cpu, plots_map, plots_waits, record, results  # noqa: E402


def main():
    cvpbench()
    d = os.path.join(tmpdir(prefix="plots-"), "run")
    shutil.copytree(os.path.join(ROOT, "results", "sample"), d)
    r = subprocess.run([sys.executable, os.path.join(SCRIPTS, "tabulate"), d],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"tabulate on the sample ({r.stderr.strip()[-300:]})")
    run, verdicts = results.Run(d), record.load(d)
    out = os.path.join(d, "plots-test")
    os.makedirs(out)

    body = "\n".join(plots_waits.n_sweep(run, verdicts, out) or [])
    check(body and "open-loop" not in body and "n-sweep-sleep (sleep)" in body,
          "n-sweep: the sweeps over N, no open-loop case")
    check(all(not (r.get("rate") or r.get("duration"))
              for c in run.cases for r in plots_waits.sweep_rows(c)),
          "sweep_rows never keeps an open-loop row")
    check("L = 10 ms per task" in body, "with the open-loop rows gone, one L in the title")

    body = "\n".join(plots_cpu.cpu_speedup(run, verdicts, out) or [])
    matmul = next(c for c in run.cases if c.name == "matmul")
    tasks = int(next(r for r in matmul.rows if r.executor == "thread-pool").tasks)
    check(f"matmul ({tasks} tasks, n=" in body and "(1 tasks" not in body,
          f"cpu-speedup: the legend gives the pools' task count ({tasks}), not a reference "
          "program's single call")
    one = types.SimpleNamespace(name="solo", rows=[])
    row = types.SimpleNamespace(tasks=1, get=lambda k, d=None: {"size": 450}.get(k, d))
    check(plots_cpu.case_label(one, [row]) == "solo (1 task, n=450)", "1 task, singular")

    body = "\n".join(plots_cpu.memory(run, verdicts, out) or [])
    check(body.count("with lines dt") == 2 and body.count("fit over N") == 2 and
          "with linespoints" not in body,
          "memory: points, and each executor's fit drawn dashed with its own legend entry")

    body = "\n".join(plots_waits.open_loop(run, verdicts, out) or [])
    check("set yrange [" in body, "open-loop: room below the model's flat part")

    bad = []
    for rows in range(1, 9):
        for cols in range(1, 9):
            (yt, ft), (y1, y2, yn, fd) = plots_map.label_layout(rows, cols, 23)
            row_px = plots_map._AREA_H / rows
            # Centres at least half of each neighbour's line height apart, in pixels.
            gaps = [((yt - y1) * row_px, (ft + fd) / 2), ((y1 - y2) * row_px, fd),
                    ((y2 - yn) * row_px, fd)]
            if not all(g >= need * plots_map._LINE_H - 0.01 for g, need in gaps):
                bad.append(f"{rows}x{cols}: lines overlap ({gaps})")
            if not (yn - fd * plots_map._LINE_H / row_px / 2 >= -0.37 and
                    yt + ft * plots_map._LINE_H / row_px / 2 <= 0.5):
                bad.append(f"{rows}x{cols}: a line leaves the cell or covers the tie strip")
            if 23 * plots_map._CHAR_W * fd > plots_map._AREA_W / cols and fd > 5.0:
                bad.append(f"{rows}x{cols}: a detail line is wider than the cell")
    check(not bad, "crossover map, 1 to 8 rows and columns: its cells' label lines never "
                   f"overlap and stay in the cell: {bad[:3]}")


if __name__ == "__main__":
    main()
