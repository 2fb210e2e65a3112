"""NAME    machines.py
PURPOSE The tables of `make machines` (scripts/machines.sh): from one quick run per emulated
        machine, a claim x machine table of verdicts (an inconclusive one with its reason, a
        skipped machine with why), a category x machine table of advice, and each run's wall
        time. Printed, written beside the runs as table.md, and with --readme written into the
        README's generated "machines" section.
USAGE   python3 -m cvp.machines RESULTS/machines/STAMP [--readme README.md]
"""
import argparse
import json
import os
import re
import sys

ORDER = ("as-is", "as-is-again", "one-core", "quota-1.5", "neighbour", "march-v2")
BEGIN = "<!-- BEGIN GENERATED machines: written by scripts/machines.sh; do not edit -->"
END = "<!-- END GENERATED machines -->"
SHORT = {"holds": "holds", "does not hold": "**DOES NOT HOLD**", "inconclusive": "inconclusive"}


def _run_dir(folder):
    """The run folder a bench.sh --results-dir FOLDER made (the one holding claims.json)."""
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if os.path.isdir(p) and not os.path.islink(p) and \
                os.path.isfile(os.path.join(p, "claims.json")):
            return p
    return None


def _decisions(path):
    """{category: decision} from a run's advice.json (render.advice_record): "many waits, in C"
    -> "no clear winner" (or "use event-loop"), what to use without the figures that vary from run to
    run (each run's answer.txt has them); None without the file (a run from before it)."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)["advice"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {f"{r['kind']}, in {r['lang']}": r["decision"] for r in rows}


def _advice(answer_text):
    """{category: pick} from the answer's "Which should I use?" block: "many waits" with one
    pick, or "many waits, in C" and "many waits, in Python" where the run has both languages
    (runs from before advice.json)."""
    out, inside, kind = {}, False, None
    for line in answer_text.splitlines():
        if line.startswith("Which should I use?"):
            inside = True
            continue
        if not inside:
            continue
        if not line.startswith(" "):
            break
        m = re.match(r"  (\S[^:]*):\s*(.*?)\s*(\[.*\])?$", line)
        if m:  # a kind, with its pick on the same line or the language lines below
            kind = m.group(1)
            if m.group(2):
                out[kind] = m.group(2)
            continue
        m = re.match(r"    in (\w+):\s+(.*?)\s*(\[.*\])?$", line)
        if m and kind:
            out[f"{kind}, in {m.group(1)}"] = m.group(2)
    return out


def load(stamp_dir):
    """[(machine, info)] in the matrix's order; info has verdicts, advice, seconds or skipped."""
    out = []
    names = [n for n in ORDER if os.path.isdir(os.path.join(stamp_dir, n))]
    names += sorted(n for n in os.listdir(stamp_dir) if os.path.isdir(os.path.join(stamp_dir, n))
                    and n not in ORDER)
    for name in names:
        folder = os.path.join(stamp_dir, name)
        info = {"verdicts": {}, "advice": {}, "seconds": None, "skipped": None}
        skipped = os.path.join(folder, "skipped")
        if os.path.isfile(skipped):
            with open(skipped, encoding="utf-8") as f:
                info["skipped"] = f.read().strip()
            out.append((name, info))
            continue
        try:
            with open(os.path.join(folder, "seconds")) as f:
                info["seconds"] = int(f.read().strip())
        except (OSError, ValueError):
            pass
        run = _run_dir(folder)
        if not run:
            info["skipped"] = "the run produced no claims (see bench.log)"
            out.append((name, info))
            continue
        try:
            with open(os.path.join(run, "claims.json"), encoding="utf-8") as f:
                claims = json.load(f)
            info["advice"] = _decisions(os.path.join(run, "advice.json"))
            if info["advice"] is None:
                with open(os.path.join(run, "answer.txt"), encoding="utf-8") as f:
                    info["advice"] = _advice(f.read())
        except (OSError, ValueError) as e:
            info["skipped"] = f"unreadable results: {e}"
            out.append((name, info))
            continue
        for v in claims.get("claims", claims) if isinstance(claims, dict) else claims:
            if isinstance(v, dict) and v.get("id"):
                info["verdicts"][v["id"]] = (v.get("verdict"), v.get("reason") or "")
        out.append((name, info))
    return out


def _cell(verdict, reason):
    text = SHORT.get(verdict, verdict or "-")
    if verdict == "inconclusive" and reason:
        text += f" ({reason[:60]})"
    return text.replace("|", "/")


def tables(machines):
    names = [n for n, _ in machines]
    ids = []
    for _, info in machines:
        ids += [i for i in info["verdicts"] if i not in ids]
    lines = ["| claim | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for cid in ids:
        cells = []
        for _, info in machines:
            if info["skipped"]:
                cells.append("skipped")
            else:
                cells.append(_cell(*info["verdicts"].get(cid, ("not judged", ""))))
        lines.append(f"| {cid} | " + " | ".join(cells) + " |")
    lines.append("| wall time | " + " | ".join(
        f"{info['seconds']} s" if info["seconds"] is not None else "-" for _, info in machines)
        + " |")
    cats = []
    for _, info in machines:
        cats += [c for c in info["advice"] if c not in cats]
    lines += ["", "| advice | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for cat in cats:
        lines.append(f"| {cat} | " + " | ".join(
            "skipped" if info["skipped"] else info["advice"].get(cat, "-").replace("|", "/")
            for _, info in machines) + " |")
    skipped = [(n, info["skipped"]) for n, info in machines if info["skipped"]]
    if skipped:
        lines += [""] + [f"- {n} skipped: {why}" for n, why in skipped]
    failing = [(n, cid) for n, info in machines for cid, (v, _) in info["verdicts"].items()
               if v == "does not hold"]
    agree = [info for n, info in machines if n in ("as-is", "as-is-again") and not info["skipped"]]
    summary = [f"{len(failing)} 'does not hold' in the table"
               + (": " + ", ".join(f"{c} on {n}" for n, c in failing) if failing else "")]
    if len(agree) == 2:
        same_v = {k: v[0] for k, v in agree[0]["verdicts"].items()} == \
            {k: v[0] for k, v in agree[1]["verdicts"].items()}
        same_a = agree[0]["advice"] == agree[1]["advice"]
        summary.append("the two runs as is give " + ("identical" if same_v else "different")
                       + " verdicts and " + ("identical" if same_a else "different") + " advice")
    return "\n".join(lines), "; ".join(summary) + "."


def main(argv=None):
    ap = argparse.ArgumentParser(description="make machines' tables")
    ap.add_argument("stamp_dir")
    ap.add_argument("--readme")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.stamp_dir):
        print(f"machines: no folder {a.stamp_dir}", file=sys.stderr)
        return 2
    machines = load(a.stamp_dir)
    if not machines:
        print(f"machines: nothing measured in {a.stamp_dir}", file=sys.stderr)
        return 2
    body, summary = tables(machines)
    stamp = os.path.basename(os.path.normpath(a.stamp_dir))
    text = (f"`make machines` of {stamp}: the quick suite once per emulated machine; {summary}"
            f"\n\n{body}")
    print("\n" + text)
    with open(os.path.join(a.stamp_dir, "table.md"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    if a.readme:
        with open(a.readme, encoding="utf-8") as f:
            old = f.read()
        pat = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
        if not pat.search(old):
            print(f"machines: {a.readme} has no generated machines section", file=sys.stderr)
            return 1
        with open(a.readme, "w", encoding="utf-8") as f:
            f.write(pat.sub(lambda _: f"{BEGIN}\n{text}\n{END}", old))
    return 1 if "DOES NOT HOLD" in body else 0


if __name__ == "__main__":
    sys.exit(main())
