"""NAME    html.py
PURPOSE report.html: one self-contained page per run, readable offline. It leads with which
        executor to use (htmluse.py: the first lines of answer.txt, above the fold), then the
        rest of the answer (answer.lines, as make bench prints it), then the claims with their
        evidence (all from claims.json, read by record.py: the page judges nothing), the
        crossover map, the plots (gnuplot's SVGs inlined), one table per case, and the machine
        with its measured costs; a table of contents beside it.

Self-contained means no request leaves the page: styles are inline, plots are inline SVG, there
is no script and no web font, and a Content-Security-Policy forbids loading anything, so a stray
external reference shows up as a console error (the browser test fails on any) instead of
silently working online and breaking offline.
"""
import os

from . import (answer, damage, htmlcases, htmlclaims, htmlmap, htmluse, pick, plots, selfcheck,
               svgembed)
from . import htmlkit as k
from .htmlstyle import CSS
from .record import by_id, by_plot
from .stats import HOLDS

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

def _svg(run, name, title):
    return svgembed.inline(os.path.join(run.dir, "plots", f"{name}.svg"), f"p-{name}", title)


def header(run):
    c, st, m = run.context, run.status, run.machine
    bits = [c.get("cpu_model", "?"), f"{run.cores} usable cores",
            f"suite {os.path.basename(st.get('suite', '?'))}",
            f"{st.get('cases_done', '?')} of {st.get('cases_total', '?')} cases",
            f"{st.get('elapsed_s', '?')} s", f"started {st.get('started_utc', '?')}",
            f"git {c.get('git_rev', '?')}"]
    if m.get("fma_gflops_per_core"):
        bits.insert(2, f"{m['fma_gflops_per_core']:.0f} GFLOP/s per core")
    out = ["<header><h1>cvpbench: concurrency vs parallelism</h1>",
           f'<p class="subtitle">{k.esc(" · ".join(bits))}</p></header>']
    check = selfcheck.kernel_check(run)
    if check and not check["ok"]:
        out.append(f'<p class="warn"><strong>Compute self-check:</strong> {k.esc(check["text"])}.'
                   "</p>")
    if st.get("state") not in (None, "complete"):
        out.append(f'<p class="warn">This run is <strong>{k.esc(st.get("state"))}</strong>: '
                   "only the cases that finished are shown.</p>")
    return "".join(out)


def answer_section(run, verdicts):
    lines = answer.lines(run, verdicts, run.dir)
    lead = answer.lead(run, verdicts)  # shown above, as the "Which should I use?" block
    if lead:
        lines = lines[len(lead) + 1:]
    strip = "".join(
        f'<a class="{k.VERDICT_CLASS.get(v["verdict"], "inconclusive")}" '
        f'href="#{k.anchor("claim", v["id"])}" title="{k.esc(v["title"])}">'
        f'<strong>{v["id"]}</strong> {k.esc(v["verdict"])}</a>' for v in verdicts)
    files = [f for f in ("summary.md", "claims.json", "results.csv", "which-should-i-use.md",
                         "answer.txt") if os.path.exists(os.path.join(run.dir, f))]
    links = "".join(f'<a href="{f}">{f}</a>' for f in files) + '<a href="plots/">plots/</a>'
    return ('<section id="answer"><h2>The answer</h2>'
            f'<div class="verdicts">{strip}</div>'
            f'<pre class="answer">{k.esc(chr(10).join(lines))}</pre>'
            f'<p class="files muted">Files of this run: {links}</p></section>')


def _plots():
    """The plots section's entries, in the registry's order (plots.py): name, heading, caption."""
    return [(p.name, p.title, p.shows) for p in plots.all_plots() if p.section == "plots"]


def plots_section(run):
    figs = []
    for name, title, caption in _plots():
        svg = _svg(run, name, title)
        body = svg or ('<p class="muted">Not drawn: no data for it in this run, or gnuplot is '
                       "not installed.</p>")
        figs.append(f'<figure class="plot" id="{k.anchor("plot", name)}"><h3>{k.esc(title)}'
                    f"</h3>{body}<figcaption>{k.esc(caption)} "
                    f'(<a href="plots/{name}.png">PNG</a>, <a href="plots/{name}.gp">'
                    "gnuplot script</a>)</figcaption></figure>")
    return '<section id="plots"><h2>Plots</h2>' + "".join(figs) + "</section>"


def _cost(doc, unit="µs"):
    """'36.1 µs (p90 51.9, 300 samples)' from {median, p90, samples}."""
    if not isinstance(doc, dict) or doc.get("median") is None:
        return None
    return (f"{doc['median']:.1f} {unit} <span class=\"ci\">(p90 {doc.get('p90', 0):.1f}, "
            f"{doc.get('samples', '?')} samples)</span>")


def machine_section(run):
    c, m, st = run.context, run.machine, run.status
    mem = f"{c['mem_total_kib'] / 1048576:.1f} GiB" if c.get("mem_total_kib") else "-"
    facts = [
        ("CPU", f"{c.get('cpu_model', '?')}, {c.get('clock_ghz_measured', 0):.2f} GHz measured"),
        ("Cores", f"{run.cores} usable for parallel work ({m.get('physical_cores', '?')} physical "
                  f"in the affinity set, {m.get('smt_per_core', '?')} thread(s) per core, CPU "
                  f"quota {m.get('quota_cores') or 'none'})"),
        ("Memory", mem), ("System", f"{c.get('kernel', '?')}, {c.get('libc', '?')}"),
        ("Vector extensions", f"CPU: {c.get('cpu_vector_ext') or m.get('cpu_vector_ext') or '?'}; "
                              f"build (-march={c.get('build_march', '?')}): "
                              f"{c.get('build_isa') or '?'}"),
        ("Compiler", f"{c.get('compiler', '?')} ({c.get('build_type', '?')}: "
                     f"{c.get('cflags', '?')})"),
        ("Libraries", f"libcurl {c.get('libcurl', '?')}, libuv {c.get('libuv', '?')}, OpenMP "
                      f"{c.get('openmp', '?')}, {c.get('hyperfine', 'hyperfine ?')}"),
        ("Run", f"suite {st.get('suite', '?')}, started {st.get('started_utc', '?')}, "
                f"{st.get('state', '?')} ({st.get('cases_done', '?')}/"
                f"{st.get('cases_total', '?')} cases, {st.get('elapsed_s', '?')} s), git "
                f"{c.get('git_rev', '?')}")]
    rows = [[k.esc(a), k.esc(b)] for a, b in facts]
    out = ['<section id="machine"><h2>Machine and measured costs</h2>',
           k.table_html(["", ""], rows, "facts", num_from=9)]
    if not m:
        return "".join(out) + ('<p class="muted">No calibration (machine.json missing): the '
                               "claims' models used stated guesses.</p></section>")
    why = m.get("reasons") or {}
    slack = m.get("timer_slack_us") or {}
    costs = [("Thread create + join", _cost(m.get("thread_create_join_us")), "thread_create_join_us"),
             (f"Wake-up of a sleeping thread ({m.get('wake_placement', '?')})",
              _cost(m.get("wake_us")), "wake_us"),
             ("Loopback TCP connect", _cost(m.get("connect_us")), "connect_us"),
             ("HTTP request round trip", f"{m['request_us']:.1f} µs" if isinstance(
                 m.get("request_us"), (int, float)) else None, "request_us"),
             ("HTTP request, share of the event loop with 200 in flight",
              _cost(m.get("request_loop_us")), "request_loop_us"),
             ("Call on a cached file (1-byte pread)", _cost(m.get("file_call_us")),
              "file_call_us"),
             ("Lateness of a 1 ms nanosleep", _cost(slack.get("nanosleep")), "timer_slack_us"),
             ("Lateness of a 1 ms libuv timer", _cost(slack.get("uv_timer")), "timer_slack_us"),
             ("Lateness of a 20 ms nanosleep", _cost(slack.get("nanosleep_20ms")),
              "timer_slack_us")]
    for e, us in (m.get("dispatch_us") or {}).items():
        costs.append((f"Dispatch of one no-op task: {k.ex(run, e)}",
                      f"{us:.3f} µs" if isinstance(us, (int, float)) else None, "dispatch_us"))
    if m.get("fma_gflops_per_core"):
        costs.append(("FMA peak", f"{m['fma_gflops_per_core']:.1f} GFLOP/s per core, "
                                  f"{m.get('fma_gflops_all', 0):.1f} on {m.get('fma_threads', '?')} "
                                  f"cores at once (×{m.get('fma_scaling', 0):.2f})", None))
    costs.append(("During calibration", f"{m.get('calibrate_s', 0):.2f} s; steal "
                                        f"{m.get('steal_s', 0):.2f} s; other processes' CPU "
                                        f"{m.get('others_cpu_s', 0):.2f} s; perf events "
                                        f"{'yes' if m.get('perf_events') else 'no'}", None))
    rows = []
    for name, val, key in costs:
        label = name if "<span" in name else k.esc(name)
        rows.append([label, val if val else
                     f'<span class="muted">not measured: {k.esc(why.get(key, "no figure"))}'
                     "</span>"])
    out += ["<h3>Measured costs (<code>cvpbench calibrate</code>, machine.json)</h3>",
            '<p class="muted">What the claims\' models add to their ideal times, measured on this '
            "machine before the run.</p>", k.table_html(["figure", "measured"], rows, "costs",
                                                          num_from=9), "</section>"]
    return "".join(out)


def toc(run, verdicts, has_map):
    claims = "".join(f'<li><a href="#{k.anchor("claim", v["id"])}">'
                     f'<span class="badge {k.VERDICT_CLASS.get(v["verdict"], "inconclusive")}">'
                     f'{v["id"]}</span> {k.esc(v["title"][:38])}…</a></li>' for v in verdicts)
    plots = "".join(f'<li><a href="#{k.anchor("plot", n)}">{k.esc(t)}</a></li>'
                    for n, t, _ in _plots())
    cases = "".join(f'<li><a href="#{k.anchor("case", c.name)}">{k.esc(c.name)}</a></li>'
                    for c in run.cases)
    xo = '<li><a href="#crossover">Crossover map</a></li>' if has_map else ""
    if pick.decisions(run, verdicts, python=True):
        xo += f'<li><a href="#{htmluse.PY_MAP_ANCHOR}">Crossover map in Python</a></li>'

    return ('<nav class="toc"><div class="title">Contents</div><ol>'
            '<li><a href="#use">Which should I use?</a></li>'
            '<li><a href="#answer">The answer</a></li>'
            f'<li><a href="#claims">Claims</a><ol>{claims}</ol></li>{xo}'
            f'<li><a href="#plots">Plots</a><ol>{plots}</ol></li>'
            f'<li><a href="#cases">Cases</a><ol>{cases}</ol></li>'
            '<li><a href="#machine">Machine and costs</a></li></ol></nav>')


def page(run, verdicts):
    """The whole page as a string, from the run's results and its claims' record (record.py)."""
    xo = htmlmap.section(run, by_plot(verdicts, "crossover-map"),
                         _svg(run, "crossover-map", plots.get("crossover-map").heading))
    # The same map from the Python reference programs (its claim's cells), after C's.
    xo += htmlmap.section(run, by_id(verdicts, pick.PY_MAP), None, htmluse.PY_MAP_ANCHOR,
                          "The crossover map in Python: the same mixes with the reference "
                          "programs")
    held = sum(v["verdict"] == HOLDS for v in verdicts)
    title = (f"cvpbench report: {run.context.get('cpu_model', '?')}, {held} of {len(verdicts)} "
             "claims hold")
    # A damaged run says what the reader skipped before anything else (damage.py).
    body = [header(run), damage.html_section(run), htmluse.section(run, verdicts, bool(xo)),
            answer_section(run, verdicts),
            htmlclaims.section(run, verdicts), xo, plots_section(run), htmlcases.section(run),
            __import__(f"{__package__}.htmlconstants", fromlist=["section"]).section(run),
            machine_section(run)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{k.esc(title)}</title><style>{CSS}</style></head><body>"
            f'<div class="layout">{toc(run, verdicts, bool(xo))}<main>{"".join(body)}</main>'
            "</div></body></html>\n")
