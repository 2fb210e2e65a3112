"""NAME    scale.py
PURPOSE The lesson's scales (the cases tagged CS): N requests at N = 100, 1,000 and 10,000, the
        event loop and a thread pool each with the lesson's cap (Semaphore(20): 20 in flight) and
        without (all N at once: a thread per task), and which one wins on each criterion: time
        (95% intervals), CPU time and the memory held for the tasks in flight; where they part.
        A setting cvpbench refused up front (more threads or descriptors than this machine
        gives) is a result and is said with cvpbench's reason. The answer (answer.py), the
        report's first block (htmluse.py) and claim CS read it; nothing is judged here but the
        ties of times.
"""
from . import baseline, stats

TAG = "CS"


def _kind(row):
    """'the loop' or 'a thread per task' (no cap), or the capped forms; None for others."""
    rule = row.registry.rule(row.executor) or {}
    n = int(row.tasks or 0)
    cap = row.get("concurrency") if baseline.is_loop(rule) else row.get("threads")
    capped = cap not in (None, 0, n)
    if baseline.is_loop(rule):
        return f"the loop, {cap} at a time" if capped else "the loop"
    if rule.get("waits_at_once") == "threads":
        return f"{cap} threads" if capped else "a thread per task"
    return None


class Scale:
    """One N: {kind: row}, and the settings refused there {kind: reason}."""

    def __init__(self, n):
        self.n, self.rows, self.refused = n, {}, {}

    def fastest(self):
        """The kinds tied for fastest (95% intervals), fastest first."""
        ests = {k: r.est for k, r in self.rows.items() if r.est}
        return [k for k, _ in stats.tied(ests, lambda a, b: self.rows[a].ratio(self.rows[b]))]

    def least(self, attr):
        vals = {k: getattr(r, attr) for k, r in self.rows.items()
                if getattr(r, attr) is not None and getattr(r, attr) > 0}
        return min(vals, key=vals.get) if vals else None

    def times_of(self, attr, a, b):
        ra, rb = self.rows.get(a), self.rows.get(b)
        va, vb = (getattr(ra, attr, None) if ra else None), (getattr(rb, attr, None) if rb else None)
        return vb / va if va and vb else None


def scales(run):
    """[Scale] in order of N from the cases tagged CS (valid rows only), or []."""
    out = {}
    for case in run.tagged(TAG):
        for r in case.rows:
            kind = _kind(r)
            if kind and r.valid and r.tasks:
                out.setdefault(int(r.tasks), Scale(int(r.tasks))).rows[kind] = r
        for nm in case.not_measured:
            p = nm.get("params") or {}
            n = int(p.get("tasks") or 0)
            if n:
                ex = nm.get("executor")
                cap = p.get("concurrency") if ex == "event-loop" else p.get("threads")
                capped = cap not in (None, 0, n, "N")
                kind = (("the loop" if not capped else f"the loop, {cap} at a time")
                        if ex == "event-loop" else
                        ("a thread per task" if not capped else f"{cap} threads"))
                out.setdefault(n, Scale(n)).refused[kind] = nm.get("reason", "")
    return [out[n] for n in sorted(out)]


def lines(run):
    """The block's lines: one per N (time, CPU, memory), then where the loop and a thread per
    task part; [] without the cases."""
    sc = scales(run)
    if not sc:
        return []
    out = []
    for s in sc:
        fast = s.fastest()
        parts = []
        if len(s.rows) == 1:  # nothing to weigh it against
            fast = []
            parts.append(f"only {next(iter(s.rows))} ran")
        if fast:
            parts.append("time: " + (fast[0] if len(fast) == 1 else "tie " + ", ".join(fast)))
        for attr, what in (("cpu", "CPU"), ("held_kib", "memory")):
            low = s.least(attr) if len(s.rows) > 1 else None
            if low:
                parts.append(f"{what}: {low} least")
        for kind, why in s.refused.items():
            parts.append(f"{kind}: refused here ({why.split(';')[0]})")
        out.append(f"N = {s.n:,}: " + "; ".join(parts))
    out.append(verdict(sc))
    return [x for x in out if x]


def verdict(sc):
    """Where the loop and a thread per task part: 'on time a thread per task ties the loop up to
    N = 1,000 here; at 10,000 the loop holds 4.1x less memory and uses 1.3x less CPU'."""
    both = [s for s in sc if "the loop" in s.rows and "a thread per task" in s.rows]
    if not both:
        refused = [s for s in sc if "a thread per task" in s.refused]
        if refused:
            return (f"At N = {refused[0].n:,} a thread per task was refused here "
                    f"({refused[0].refused['a thread per task'].split(';')[0]}); the loop ran it.")
        return ""
    ties = [s.n for s in both if "a thread per task" in s.fastest()
            and "the loop" in s.fastest()]
    last = both[-1]
    mem = last.times_of("held_kib", "the loop", "a thread per task")
    cpu = last.times_of("cpu", "the loop", "a thread per task")
    head = (f"On time a thread per task ties the loop up to N = {max(ties):,} here" if ties
            else "On time the loop and a thread per task separate at every N here")
    tail = []
    if mem:
        tail.append(f"holds {fmt_x(mem)} {'less' if mem >= 1 else 'more'} memory")
    if cpu:
        tail.append(f"uses {fmt_x(cpu)} {'less' if cpu >= 1 else 'more'} CPU")
    text = head + (f"; at {last.n:,} the loop " + " and ".join(tail) if tail else "")
    refused = [s for s in sc if "a thread per task" in s.refused]
    if refused:
        text += (f"; at {refused[0].n:,} a thread per task was refused here "
                 f"({refused[0].refused['a thread per task'].split(';')[0]})")
    return text + "."


def fmt_x(r):
    r = r if r >= 1 else 1 / r
    return f"{r:.1f}x"


