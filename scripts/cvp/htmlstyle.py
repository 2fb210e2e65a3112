"""NAME    htmlstyle.py
PURPOSE The style sheet of report.html, inline in the page (no external assets): system fonts,
        a sticky table of contents beside the text on wide screens and above it on narrow ones
        or on paper, tables with tabular figures, verdict colours, pale executor-coloured map
        cells and hatched ties.
"""

CSS = """
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --soft:#f6f8fa;
  --holds:#1a7f37; --fails:#cf222e; --inconclusive:#9a6700; --accent:#0969da; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica,
  Arial, sans-serif; }
.layout { display: grid; grid-template-columns: 210px minmax(0, 1fr); gap: 1.6rem;
  max-width: 1320px; margin: 0 auto; padding: 0 1.5rem; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
  padding: 1.2rem 0; font-size: 0.87rem; }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc ol ol { padding-left: 0.9rem; margin: 0.1rem 0 0.4rem; }
nav.toc a { color: var(--fg); text-decoration: none; display: block; padding: 0.05rem 0; }
nav.toc a:hover { color: var(--accent); }
nav.toc .title { font-weight: 600; margin-bottom: 0.5rem; color: var(--muted);
  text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.75rem; }
main { min-width: 0; padding: 1.2rem 0 4rem; }
h1 { font-size: 1.75rem; margin: 0.2rem 0 0.2rem; }
h2 { font-size: 1.35rem; margin: 2.4rem 0 0.8rem; padding-bottom: 0.3rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.6rem 0 0.5rem; }
p { margin: 0.5rem 0; max-width: 72rem; }
a { color: var(--accent); }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas,
  monospace; font-size: 0.85rem; }
pre.answer { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 0.9rem 1rem; white-space: pre-wrap; line-height: 1.45; margin: 0.6rem 0; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
.muted { color: var(--muted); }
.warn { background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 6px;
  padding: 0.45rem 0.8rem; }
.bad { color: var(--fails); }
.ci { color: var(--muted); font-size: 0.86em; white-space: nowrap; }
.wide { max-width: 100%; overflow-x: auto; margin: 0.6rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.84rem;
  font-variant-numeric: tabular-nums; }
th, td { padding: 0.28rem 0.45rem; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; vertical-align: bottom;
  border-bottom: 2px solid var(--line); }
thead th.num { white-space: normal; }
th.num, td.num { text-align: right; white-space: nowrap; }
td:has(> svg.bar), td:has(> svg.iv) { text-align: left; vertical-align: middle; }
tbody tr:hover td { background: #f6f8fa80; }
tr.group th { background: #eef1f4; text-align: left; font-weight: 600; font-size: 0.82rem;
  color: var(--muted); }
tr.invalid td { color: var(--muted); }
tr.undecided td { background: #fff8c540; }
.ex, td:first-child { white-space: nowrap; }
table.points td:first-child { white-space: normal; min-width: 11rem; }
table.points td:last-child, table.points th:last-child { white-space: normal; text-align: left; }
table.models td:last-child, table.models th:last-child { text-align: left; }
.ex::before { content: ""; display: inline-block; width: 0.72em; height: 0.72em;
  border-radius: 50%; background: var(--c); margin-right: 0.4em; vertical-align: -0.02em; }
.mark { display: inline-block; width: 1.1em; color: #bf8700; }
.badge { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px;
  font-size: 0.78rem; font-weight: 600; white-space: nowrap; vertical-align: 0.1em; }
.badge.holds { background: #dafbe1; color: var(--holds); }
.badge.fails { background: #ffebe9; color: var(--fails); }
.badge.inconclusive { background: #fff8c5; color: var(--inconclusive); }
.verdicts { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.8rem 0; }
.verdicts a { text-decoration: none; border: 1px solid var(--line); border-radius: 6px;
  padding: 0.25rem 0.6rem; color: var(--fg); font-size: 0.86rem; }
.verdicts a.holds { border-left: 4px solid var(--holds); }
.verdicts a.fails { border-left: 4px solid var(--fails); }
.verdicts a.inconclusive { border-left: 4px solid var(--inconclusive); }
article.claim { border: 1px solid var(--line); border-left: 4px solid var(--holds);
  border-radius: 6px; padding: 0.2rem 1rem 0.6rem; margin: 1rem 0; }
article.claim.fails { border-left-color: var(--fails); }
article.claim.inconclusive { border-left-color: var(--inconclusive); }
article.claim h3 { margin-top: 0.7rem; }
.cid { color: var(--muted); margin-right: 0.2rem; }
.tally { color: var(--muted); font-size: 0.88rem; margin: 0 0 0.4rem; }
dl { display: grid; grid-template-columns: 7rem minmax(0, 1fr); gap: 0.15rem 0.8rem;
  font-size: 0.88rem; margin: 0.4rem 0; }
dt { color: var(--muted); }
dd { margin: 0; }
details { margin: 0.4rem 0; }
summary { cursor: pointer; color: var(--accent); font-size: 0.88rem; }
svg.iv .band { fill: #dde7f0; }
svg.iv .edge { stroke: #6e7781; stroke-width: 1; }
svg.iv .ivl { stroke-width: 3; stroke-linecap: round; }
svg.iv .holds { stroke: var(--holds); fill: var(--holds); }
svg.iv .fails { stroke: var(--fails); fill: var(--fails); }
svg.iv .inconclusive { stroke: var(--inconclusive); fill: var(--inconclusive); }
figure.plot { margin: 0.8rem 0 1.6rem; max-width: 860px; }
svg.plot { width: 100%; height: auto; display: block; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; }
svg.plot text { font-family: "DejaVu Sans", "Noto Sans", Helvetica, Arial, sans-serif; }
figcaption { color: var(--muted); font-size: 0.86rem; margin-top: 0.4rem; }
table.map { table-layout: fixed; }
table.map th, table.map td { text-align: center; vertical-align: middle; min-width: 9rem; }
table.map tbody th { background: var(--soft); white-space: nowrap; }
table.map td { border: 1px solid #fff; font-size: 0.8rem; line-height: 1.35; }
table.map td.tie { background: repeating-linear-gradient(135deg, #f3f3f3 0 6px, #e4e4e4 6px 8px); }
table.map .who { font-weight: 600; font-size: 0.9rem; }
table.map .n { color: var(--muted); }
.vm { color: var(--muted); font-weight: 400; }
table.models .best { font-weight: 600; }
.tag { font-size: 0.75rem; font-weight: 600; text-decoration: none; border: 1px solid var(--line);
  border-radius: 4px; padding: 0 0.3rem; margin-left: 0.2rem; vertical-align: 0.1em; }
.files a { margin-right: 0.8rem; }
#use h2 { margin-top: 0.6rem; }
table.use { font-size: 0.95rem; width: 100%; }
table.use td { padding: 0.45rem 0.6rem; white-space: normal; }
table.use td:first-child { width: 10rem; }
table.use td:nth-child(2) { width: 12rem; }
table.use td:nth-child(3) { width: 10rem; }
table.use td:nth-child(5) { width: 6rem; }
table.use .ex { margin-right: 0.5rem; }
table.use .sub { color: var(--muted); font-size: 0.84em; }
table.use a.badge { text-decoration: none; margin: 0 0.2rem 0.2rem 0; }
table.use .tiehead { color: var(--inconclusive); font-weight: 600; }
p.lead { font-size: 0.86rem; margin-top: 0; }
@media (max-width: 900px), print {
  .layout { display: block; }
  nav.toc { position: static; max-height: none; columns: 2; }
}
"""
