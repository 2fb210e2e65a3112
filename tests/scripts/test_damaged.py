#!/usr/bin/env python3
"""NAME    test_damaged.py
PURPOSE scripts/tabulate, report and compare on damaged copies of results/sample, one copy per
        kind of damage: a 0xff byte in a .jsonl, wall_s as a string, missing or null, a [1,2,3]
        line, a .jsonl cut mid-line or with a garbage line appended, case.json holding [], a
        0xff byte, garbled or removed, a case folder that is a file, a .jsonl that is a folder,
        a .jsonl emptied, hyperfine.json garbled (named, but no claim loses evidence), an
        empty cases/, a run folder that cannot be written. Each script must either name the
        damage (the file and what was wrong) with exit 1 (compare: 2), in every output
        (tabulate's stderr, summary.md, answer.txt, report.html in a warning block near the
        top, compare's output), and mark the claims that lost evidence "inconclusive: evidence
        lost (case ...)" while the others keep their verdicts; or stop with one line and exit
        2 (an empty cases/ for compare, a folder that cannot be written). Never a traceback,
        never exit 0 with data gone.
USAGE   test_damaged.py PATH/TO/cvpbench      (the binary is not run: results/sample carries its
        own registry.json; the argument keeps the scripts tests' one calling convention)"""
import atexit
import json
import os
import shutil
import subprocess

from fixture import ROOT, check, script, tmpdir

SAMPLE = os.path.join(ROOT, "results", "sample")
CASE = os.path.join("cases", "01-lesson")  # C1's evidence and the answer's first headline
JSONL = os.path.join(CASE, "point-0.jsonl")
CASE_JSON = os.path.join(CASE, "case.json")
# The whole-process column only: no claim uses it, so none loses evidence by it.
# (the sample's first case with a whole-process column, whatever its number in the suite)
HYPERFINE = next(os.path.join("cases", c, "hyperfine.json")
                 for c in sorted(os.listdir(os.path.join(SAMPLE, "cases")))
                 if os.path.isfile(os.path.join(SAMPLE, "cases", c, "hyperfine.json")))


def _lines(d, rel):
    with open(os.path.join(d, rel), "rb") as f:
        return f.read().split(b"\n")


def _write(d, rel, data):
    with open(os.path.join(d, rel), "wb") as f:
        f.write(data)


def _edit_sample(d, line, fn):
    """Rewrites sample line `line` (1-based) of the lesson's point file through fn(dict)."""
    lines = _lines(d, JSONL)
    doc = json.loads(lines[line - 1])
    fn(doc)
    lines[line - 1] = json.dumps(doc).encode()
    _write(d, JSONL, b"\n".join(lines))


def ff_byte(d):
    lines = _lines(d, JSONL)
    lines[1] = lines[1][:40] + b"\xff" + lines[1][41:]
    _write(d, JSONL, b"\n".join(lines))


def wall_string(d):
    _edit_sample(d, 1, lambda s: s.update(wall_s=str(s["wall_s"])))


def wall_missing(d):
    _edit_sample(d, 1, lambda s: s.pop("wall_s"))


def wall_null(d):
    _edit_sample(d, 1, lambda s: s.update(wall_s=None))


def list_line(d):
    lines = _lines(d, JSONL)
    lines[2] = b"[1,2,3]"
    _write(d, JSONL, b"\n".join(lines))


def cut_mid_line(d):
    data = b"\n".join(_lines(d, JSONL)).rstrip(b"\n")
    last = data.rfind(b"\n") + 1
    _write(d, JSONL, data[:last + (len(data) - last) // 2])


def emptied(d):
    _write(d, JSONL, b"")


def garbage_appended(d):
    with open(os.path.join(d, JSONL), "ab") as f:
        f.write(b"garbage }{ not a sample\n")


def case_list(d):
    _write(d, CASE_JSON, b"[]\n")


def case_ff(d):
    with open(os.path.join(d, CASE_JSON), "rb") as f:
        data = f.read()
    _write(d, CASE_JSON, data[:20] + b"\xff" + data[21:])


def case_garbled(d):
    with open(os.path.join(d, CASE_JSON), "rb") as f:
        data = f.read()
    _write(d, CASE_JSON, data[:len(data) // 2])


def case_removed(d):
    os.remove(os.path.join(d, CASE_JSON))


def case_is_file(d):
    shutil.rmtree(os.path.join(d, CASE))
    _write(d, CASE, b"not a case\n")


def jsonl_is_folder(d):
    os.remove(os.path.join(d, JSONL))
    os.mkdir(os.path.join(d, JSONL))


def hyperfine_garbled(d):
    _write(d, HYPERFINE, b'{"results": [{"times": [0.1, "x"')


# name, how, the file the output must name, what it must say, the claim that loses evidence
DAMAGES = [
    ("0xff byte in a .jsonl", ff_byte, JSONL, "not UTF-8", True),
    ("wall_s as a string", wall_string, JSONL, "wall_s", True),
    ("wall_s missing", wall_missing, JSONL, "wall_s", True),
    ("wall_s null", wall_null, JSONL, "wall_s", True),
    ("a [1,2,3] line", list_line, JSONL, "not a JSON object", True),
    ("a .jsonl cut mid-line", cut_mid_line, JSONL, "cut", True),
    ("a garbage line appended", garbage_appended, JSONL, "not JSON", True),
    ("a .jsonl emptied", emptied, JSONL, "holds no sample", True),
    ("case.json holding []", case_list, CASE_JSON, "not a JSON object", True),
    ("case.json with a 0xff byte", case_ff, CASE_JSON, "not UTF-8", True),
    ("case.json garbled", case_garbled, CASE_JSON, "not JSON", True),
    ("case.json removed", case_removed, CASE_JSON, "missing", True),
    ("a case folder that is a file", case_is_file, CASE, "not a folder", True),
    ("a .jsonl that is a folder", jsonl_is_folder, JSONL, "folder", True),
    ("hyperfine.json garbled", hyperfine_garbled, HYPERFINE, "not JSON", False),
]


def copy_of(base, name):
    d = os.path.join(base, name.replace(" ", "-").replace("/", "-").replace("[", "")
                     .replace("]", "").replace(",", ""))
    shutil.copytree(SAMPLE, d, symlinks=True)
    return d


def no_traceback(what, rc, out, err, stops=True):
    """stops: exit 2 means it stopped, and says why in one line and nothing else."""
    check("Traceback" not in out + err, f"{what}: no traceback (exit {rc}: {err.strip()[-300:]})")
    if rc == 2 and stops:
        check(len(err.strip().splitlines()) == 1 and not out.strip(),
              f"{what}: exit 2 says one line ({err.strip()!r})")


def named(text, rel, word):
    """The damage is named: the file (its path under the run) and what was wrong."""
    return rel in text and word in text


def check_tabulate(what, d, rel, word, lost, clean_claims):
    rc, out, err = script("tabulate", d)
    no_traceback(f"tabulate, {what}", rc, out, err)
    check(rc == 1, f"tabulate, {what}: exit 1 (outputs written, run damaged), got {rc}")
    check(named(err, rel, word), f"tabulate, {what}: stderr names {rel} and '{word}' ({err!r})")
    for f in ("summary.md", "answer.txt"):
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            text = fh.read()
        check(named(text, rel, word) and "damaged" in text.lower(),
              f"tabulate, {what}: {f} says the run is damaged and names {rel}, '{word}'")
    with open(os.path.join(d, "claims.json"), encoding="utf-8") as fh:
        verdicts = {v["id"]: v for v in json.load(fh)}
    c1 = verdicts["C1"]
    if lost:
        check(c1["verdict"] == "inconclusive" and c1["reason"].startswith("evidence lost (case "
                                                                          "lesson: ")
              and rel.split(os.sep)[-1] in c1["reason"],
              f"tabulate, {what}: C1 says 'evidence lost (case lesson: ...)' ({c1['reason']!r})")
        with open(os.path.join(d, "answer.txt"), encoding="utf-8") as fh:
            text = fh.read()
        check("cases that lost data: lesson" in text and "C1 inconclusive" in text,
              f"tabulate, {what}: the answer names the case that lost data and C1's verdict")
    others = {k: v["verdict"] for k, v in verdicts.items() if k != "C1" or not lost}
    check(others == {k: v for k, v in clean_claims.items() if k in others},
          f"tabulate, {what}: claims that lost nothing keep their verdicts")


def check_report(what, d, rel, word):
    rc, out, err = script("report", d)
    no_traceback(f"report, {what}", rc, out, err)
    check(rc == 1, f"report, {what}: exit 1 (page written, run damaged), got {rc}")
    check(named(err, rel, word), f"report, {what}: stderr names the damage ({err!r})")
    with open(os.path.join(d, "report.html"), encoding="utf-8") as fh:
        page = fh.read()
    block = page.find('id="damage"')
    check(0 <= block < page.find('id="answer"'),
          f"report, {what}: a damage block above the answer")
    end = page.find("</aside>", block)
    check(named(page[block:end], rel, word) and "damaged" in page[block:end].lower(),
          f"report, {what}: the block names {rel} and '{word}'")


def check_compare(what, old, d, rel, word, lost):
    rc, out, err = script("compare", old, d)
    no_traceback(f"compare, {what}", rc, out, err, stops=False)
    check(rc == 2, f"compare, {what}: exit 2 (a damaged run is no pass), got {rc}")
    check(len(err.strip().splitlines()) == 1 and "NEW (" in err and "damaged" in err,
          f"compare, {what}: one line on stderr says NEW is damaged ({err!r})")
    check(named(out, rel, word), f"compare, {what}: names {rel} and '{word}'")
    if lost:
        check("claim C1: holds -> inconclusive (evidence lost (case lesson: " in out,
              f"compare, {what}: C1's change says its evidence was lost")
    else:
        check("claim " not in out, f"compare, {what}: no claim changed")


def main():
    base = tmpdir(prefix="dmg-")
    clean = copy_of(base, "clean")
    # A clean copy stays clean: exit 0, no message; its claims are what damage is judged against.
    rc, out, err = script("tabulate", clean)
    check(rc == 0 and not err, f"a clean copy tabulates with exit 0 and no message ({err!r})")
    with open(os.path.join(clean, "claims.json"), encoding="utf-8") as fh:
        clean_claims = {v["id"]: v["verdict"] for v in json.load(fh)}
    for name, how, rel, word, lost in DAMAGES:
        d = copy_of(base, name)
        how(d)
        check_tabulate(name, d, rel, word, lost, clean_claims)
        check_report(name, d, rel, word)
        check_compare(name, clean, d, rel, word, lost)

    # The damage on the old side is named as well.
    d = copy_of(base, "old damaged")
    wall_string(d)
    rc, out, err = script("compare", d, clean)
    no_traceback("compare, old side damaged", rc, out, err, stops=False)
    check(rc == 2 and named(out, JSONL, "wall_s") and "OLD (1 skipped) damaged" in err,
          "compare names damage on the old side")
    rc, out, err = script("compare", d, clean, "--fail-on", "never")
    check(rc == 0 and named(out, JSONL, "wall_s") and "damaged" in err,
          "--fail-on never passes a damaged run, still naming the damage")
    rc, out, err = script("claims", d, "--check")
    no_traceback("claims --check, damaged", rc, out, err, stops=False)
    check(rc == 1 and named(err, JSONL, "wall_s") and "evidence lost (case lesson: " in out,
          "scripts/claims --check fails a damaged run, names the damage and the lost evidence")

    rc, out, err = script("report", clean)
    check(rc == 0 and not err, "a clean copy's report: exit 0, no message")
    with open(os.path.join(clean, "report.html"), encoding="utf-8") as fh:
        check('id="damage"' not in fh.read(), "a clean report has no damage block")
    rc, out, err = script("compare", clean, clean)
    check(rc == 0 and "damage" not in out.lower(), "a clean copy against itself: exit 0")

    # An empty cases/: compare stops with one line; tabulate names what is missing.
    d = copy_of(base, "empty cases")
    shutil.rmtree(os.path.join(d, "cases"))
    os.mkdir(os.path.join(d, "cases"))
    rc, out, err = script("compare", clean, d)
    no_traceback("compare, empty cases/", rc, out, err)
    check(rc == 2 and "no cases" in err, f"compare on an empty cases/: exit 2, says so ({err!r})")
    rc, out, err = script("tabulate", d)
    no_traceback("tabulate, empty cases/", rc, out, err)
    done = len(os.listdir(os.path.join(SAMPLE, "cases")))  # the sample's cases, all done
    check(rc == 1 and str(done) in err and "cases" in err,
          f"tabulate on an empty cases/ says the {done} cases are missing ({err!r})")

    # A run folder that cannot be written: one line, exit 2. Root writes through a mode of
    # 0555, so as root the folder is made immutable instead (chattr +i), where it can be.
    d = copy_of(base, "read-only")
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", d], capture_output=True).returncode != 0:
            print("ok: skipped the unwritable folder: running as root where chattr +i fails")
            return
        atexit.register(subprocess.run, ["chattr", "-i", d], capture_output=True)
    else:
        os.chmod(d, 0o555)
        atexit.register(os.chmod, d, 0o755)
    for tool in ("tabulate", "report"):
        rc, out, err = script(tool, d)
        no_traceback(f"{tool}, a folder it cannot write", rc, out, err)
        check(rc == 2 and "cannot write" in err,
              f"{tool} on a folder it cannot write: one line, exit 2 ({err!r})")

if __name__ == "__main__":
    main()
