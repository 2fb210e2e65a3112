"""NAME    baseline.py
PURPOSE What an executor or a workload is, read from what cvpbench publishes (registry.py:
        `cvpbench --list --format json`), never from its name: the baseline executor (one task
        at a time on one thread, the denominator of every speed-up and the one-core probe of
        sizing), the event loop (waits overlap on one thread that also computes), the baseline
        row of a case, the workload of empty tasks and the workload of one request.
"""


def is_baseline(rule):
    """One wait and one computation at a time, by workers (not a loop)."""
    rule = rule or {}
    return rule.get("waits_at_once") == "1" and rule.get("computes_at_once") == "1" \
        and rule.get("overlap", "workers") == "workers"


def is_loop(rule):
    """Waits overlap on a loop whose one thread also computes."""
    rule = rule or {}
    return rule.get("overlap") == "loop" and rule.get("computes_at_once") == "1"


def name(reg):
    """The baseline executor of a registry (registry.Registry), or None when it has none."""
    return next((n for n, e in reg.executors.items() if is_baseline(e)), None)


def loop_name(reg):
    """The event loop of a registry, or None."""
    return next((n for n, e in reg.executors.items() if is_loop(e)), None)


def row(case, of, ignore=(), need_est=False):
    """The baseline row of case that did the same work as row `of`: the baseline executor, one
    task at a time (not blocking), at the same workload point; parameters in `ignore` (how a
    loop form runs, not what the work is) may differ. None when the case has none."""
    base = name(of.registry)
    skip = of.registry.executor_only_params | set(ignore)

    def work(r):
        return {k: v for k, v in r.params.items() if k not in skip}

    for r in case.rows:
        if r.executor == base and r.schedule and r.schedule.waits == 1 \
                and r.schedule.computes == 1 and not r.schedule.on_loop \
                and r.get("blocking") != "yes" and work(r) == work(of) \
                and (r.valid and r.est if need_est else r.wall_in):
            return r
    return None


def empty_workload(reg):
    """The workload of empty tasks (what dispatching one costs): its only parameter is how many
    tasks (its published defaults), or None."""
    return next((n for n, w in reg.workloads.items()
                 if set(w.get("defaults") or {}) <= {"tasks"}), None)


def request_workload(reg):
    """The workload whose task is one request to the mock server and nothing else (kind io,
    needs the server), or None."""
    return next((n for n, w in reg.workloads.items()
                 if w.get("kind") == "io" and w.get("needs_server")), None)
