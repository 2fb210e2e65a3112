"""NAME    scale.py
PURPOSE The lesson's scales (the cases tagged CS): N requests at N = 100, 1,000 and 10,000, a loop
        and a thread pool each with the lesson's cap (Semaphore(20): 20 in flight) and without
        (all N at once: a thread per task), in C (cvpbench's executors) and in Python (the
        reference programs: asyncio.gather and a ThreadPoolExecutor, both on httpx), and which
        one wins on each criterion: time (95% intervals; a batch timed fewer than
        MIN_INTERVAL_SAMPLES times has no interval and decides nothing), CPU time and the
        memory held for the tasks in flight; where they part. A setting refused up front (more
        threads or descriptors than this machine gives) is a result and is said with its
        reason. The answer (answer.py), the report's first block (htmluse.py),
        which-should-i-use.md (advice.py) and claim CS read it; nothing is judged here but the
        ties of times.
"""
from . import baseline, fmt, stats
from .constants import MIN_INTERVAL_SAMPLES

TAG = "CS"
LANGS = ((False, "in C"), (True, "in Python"))


def _name(rule, cap, n):
    """'the loop' or 'a thread per task' (no cap), or the capped forms; None for others."""
    capped = cap not in (None, 0, n, "N")
    if baseline.is_loop(rule):
        return f"the loop, {cap} at a time" if capped else "the loop"
    if rule.get("waits_at_once") == "threads":
        return f"{cap} threads" if capped else "a thread per task"
    return None


def _kind(row):
    rule = row.registry.rule(row.executor) or {}
    cap = row.get("concurrency") if baseline.is_loop(rule) else row.get("threads")
    return _name(rule, cap, int(row.tasks or 0))


class Scale:
    """One N: {kind: row}, and the settings refused there {kind: reason}."""

    def __init__(self, n):
        self.n, self.rows, self.refused = n, {}, {}

    def timed_enough(self):
        """Every row timed often enough for an interval."""
        return all(len(r.walls) >= MIN_INTERVAL_SAMPLES for r in self.rows.values())

    def fastest(self):
        """The kinds tied for fastest (95% intervals), fastest first; [] without intervals."""
        if not self.timed_enough():
            return []
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


def scales(run, python=False):
    """[Scale] in order of N from the cases tagged CS (valid rows only), of one language:
    cvpbench's executors, or (python) the reference programs; [] without them."""
    out = {}
    for case in run.tagged(TAG):
        for r in case.rows:
            kind = _kind(r)
            if kind and r.valid and r.tasks and r.reference == python:
                out.setdefault(int(r.tasks), Scale(int(r.tasks))).rows[kind] = r
        for nm in case.not_measured:
            p, ex = nm.get("params") or {}, nm.get("executor")
            n = int(p.get("tasks") or 0)
            if not n or run.registry.is_reference(ex) != python:
                continue
            rule = run.registry.rule(ex) or {}
            kind = _name(rule, p.get("concurrency") if baseline.is_loop(rule) else p.get("threads"),
                         n)
            if kind:
                out.setdefault(n, Scale(n)).refused[kind] = nm.get("reason", "")
    return [out[n] for n in sorted(out)]


def _n_line(s):
    """'N = 1,000: time: the loop; CPU: the loop least; memory: the loop, 20 at a time least'."""
    fast = s.fastest()
    parts = []
    if len(s.rows) == 1:  # nothing to weigh it against: its own figures
        fast = []
        (kind, r), = s.rows.items()
        own = [f"{fmt.s(r.wall_in)}" if r.wall_in else "",
               f"CPU {fmt.s(r.cpu)}" if r.cpu else "",
               f"{fmt.kib(r.held_kib)} held" if r.held_kib else ""]
        parts.append(f"only {kind} ran" + (f" ({', '.join(x for x in own if x)})"
                                           if any(own) else ""))
    elif not s.timed_enough():
        parts.append("one batch each, no interval: " + ", ".join(
            f"{k} {fmt.s(r.wall_in)}" for k, r in sorted(s.rows.items(),
                                                               key=lambda kr: kr[1].wall_in)))
    if fast:
        parts.append("time: " + (fast[0] if len(fast) == 1 else "tie " + ", ".join(fast)))
    for attr, what in (("cpu", "CPU"), ("held_kib", "memory")):
        low = s.least(attr) if len(s.rows) > 1 else None
        if low:
            parts.append(f"{what}: {low} least")
    for kind, why in s.refused.items():
        parts.append(f"{kind}: refused here ({why.split(';')[0]})")
    return f"N = {s.n:,}: " + "; ".join(parts)


def lines(run):
    """The block's lines: per language that ran the cases, one per N (time, CPU, memory), then
    where the loop and a thread per task part; headed 'in C:' and 'in Python:' (the rest
    indented) when both did; [] without the cases."""
    both = [(label, sc) for python, label in LANGS if (sc := scales(run, python))]
    out = []
    for label, sc in both:
        block = [_n_line(s) for s in sc] + [verdict(sc)]
        block = [x for x in block if x]
        out += ([f"{label}:"] + [f"  {x}" for x in block]) if len(both) > 1 else block
    return out


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
    timed = [s for s in both if s.timed_enough()]
    ties = [s.n for s in timed if "a thread per task" in s.fastest()
            and "the loop" in s.fastest()]
    last = both[-1]
    mem = last.times_of("held_kib", "the loop", "a thread per task")
    cpu = last.times_of("cpu", "the loop", "a thread per task")
    if ties:
        head = f"On time a thread per task ties the loop up to N = {max(ties):,} here"
    elif timed:
        ahead = [(min(("the loop", "a thread per task"), key=lambda k: s.rows[k].est.value), s.n)
                 for s in timed]
        head = ("On time " + (f"{ahead[0][0]} is the faster at every N timed here"
                              if len({k for k, _ in ahead}) == 1 else
                              ", ".join(f"{k} is the faster at N = {n:,}" for k, n in ahead)))
    else:
        head = "On time nothing is decided here (one batch each)"
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
