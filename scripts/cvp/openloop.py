"""NAME    openloop.py
PURPOSE The open-loop model (claim C13, the rate plot): tasks arrive at a constant rate, each
        takes a service time s, at most C run at once, first come first served (a D/D/C queue).
        Capacity is C/s (Little's law with C tasks in flight); below it a task waits for no one
        and its response is s; above it the backlog, and with it the response, grows for as long
        as tasks keep arriving. The batch stops at its deadline as cvpbench stops it: a task not
        started by then never starts; one in flight is cancelled there on a loop, and finishes
        on a thread.

Simulated task by task, so the model knows exactly what cvpbench counts: which tasks ran,
when the batch returned, and the response times it records.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    achieved: float  # completed (not cancelled) tasks per second of wall
    p50_s: float  # median response time (due to end) of the tasks that started
    p99_s: float
    wall_s: float
    completed: int


def _pct(xs, q):
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(q * len(s) + 0.999999) - 1))] if s else 0.0


def simulate(n, rate, service_s, width, deadline_s=None, on_loop=False):
    """n tasks due at i / rate, each taking service_s, at most `width` at once."""
    free = [0.0] * max(1, width)  # when each slot is next free
    responses, completed, wall = [], 0, 0.0
    for i in range(n):
        due = i / rate
        k = min(range(len(free)), key=free.__getitem__)
        start = max(due, free[k])
        if deadline_s is not None and start >= deadline_s:
            wall = max(wall, deadline_s)
            break  # FIFO: every later task starts later still: none of them starts
        end = start + service_s
        if deadline_s is not None and on_loop and end > deadline_s:
            end = deadline_s  # cancelled in flight: its response is still recorded
        else:
            completed += 1
        free[k] = end
        responses.append(end - due)
        wall = max(wall, end)
    return Outcome(completed / wall if wall > 0 else 0.0, _pct(responses, 0.5),
                   _pct(responses, 0.99), wall, completed)


def capacity(width, service_s):
    """Tasks per second C tasks in flight sustain at service time s (Little's law)."""
    return width / service_s if service_s > 0 else float("inf")
