#!/usr/bin/env python3
"""NAME    test_imports.py
PURPOSE No import circle in scripts/: walks every module of scripts/cvp (and the scripts that
        import it), follows their imports of one another (relative and `cvp.` ones), and fails
        naming the circle when a module reaches itself. Also: no Python file in scripts/ is
        longer than 300 lines except those named in LONG (a module split by concept stays
        small enough to read whole).
USAGE   test_imports.py [PATH/TO/cvpbench]   (the argument is accepted and not needed)"""
import ast
import os

from fixture import SCRIPTS, check

CVP = os.path.join(SCRIPTS, "cvp")
MAX_LINES = 300
# Files still over MAX_LINES, with why: another engineer is changing scripts/advise.
LONG = set()


def modules():
    """{dotted name: path} of scripts/cvp's modules and packages."""
    out = {}
    for root, dirs, files in os.walk(CVP):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(root, f)
                name = os.path.relpath(path[:-3], SCRIPTS).replace(os.sep, ".")
                out[name[:-len(".__init__")] if name.endswith(".__init__") else name] = path
    return out


def imports(name, path, known):
    """The modules of `known` that module `name` (at path) imports."""
    pkg = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read(), path)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for a in node.names:  # `from . import x` names module x; `from .m import f`, m
                sub = f"{target}.{a.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def cycle(graph):
    """One import circle as a list of modules (first = last), or None."""
    state = {}

    def visit(u, path):
        state[u] = "open"
        for v in sorted(graph[u]):
            if state.get(v) == "open":
                return path[path.index(v):] + [v]
            if v not in state:
                found = visit(v, path + [v])
                if found:
                    return found
        state[u] = "done"
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m, [m])
            if found:
                return found
    return None


def main():
    known = modules()
    graph = {m: imports(m, p, known) for m, p in known.items()}
    check(len(graph) > 30 and "cvp.claims" in graph and graph["cvp.table"],
          f"the walk found scripts/cvp's {len(graph)} modules and their imports")
    found = cycle(graph)
    check(found is None, "no import circle in scripts/cvp"
          + (f": {' -> '.join(found)}" if found else ""))
    # A circle is found when there is one: a toy graph.
    check(cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"],
          "the walk names a circle when there is one")
    long = []
    for root, dirs, files in os.walk(SCRIPTS):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                head = fh.read(200)
            if f.endswith(".py") or head.startswith(b"#!/usr/bin/env python3"):
                n = head.count(b"\n") + open(path, "rb").read()[200:].count(b"\n")
                if n > MAX_LINES and f not in LONG:
                    long.append(f"{os.path.relpath(path, SCRIPTS)} ({n})")
    check(not long, f"no Python file in scripts/ over {MAX_LINES} lines ({', '.join(long)})")


if __name__ == "__main__":
    main()
