"""NAME    costs.py
PURPOSE The machine's own costs, as `cvpbench calibrate` measured them (machine.json), in the
        terms the claims' models add to their ideal times: how late a wait ends, what a request
        costs, waking a sleeping thread, handing out a task. A term that could not be measured
        falls back to a stated, generous guess, and the claim says it was assumed.
"""
from .constants import LATENESS_MARGIN, LOOP_TICK_S  # noqa: F401 (re-exported)


def _us(doc, key, field="p90"):
    v = doc.get(key)
    if isinstance(v, dict):
        v = v.get(field)
    return v if isinstance(v, (int, float)) and v > 0 else None


# The lateness of a wait is measured once, at calibration; at another moment of the run it
# varies by about +-15% on the VMs seen so far, so a bound on it takes half as much again
# (LATENESS_MARGIN, constants.py).
# libuv keeps its clock and its timers in whole milliseconds (LOOP_TICK_S): a wait a loop times
# itself (a sleep's timer) can end up to a millisecond later than the same wait on a thread.


class Costs:
    # Fallbacks (seconds) when the calibration lacks a figure: generous on purpose, so a missing
    # measurement widens a band rather than fails a claim; each use is reported.
    GUESS = {"slack": 500e-6, "request": 200e-6, "wake": 100e-6, "dispatch": 2e-6,
             "thread_start": 100e-6, "file_call": 2e-6}

    def __init__(self, machine):
        m = machine or {}
        self.assumed = []
        ts = m.get("timer_slack_us", {})
        slack = [x for x in (_us(ts, "nanosleep"), _us(ts, "uv_timer")) if x]
        self.slack_s = max(slack) / 1e6 if slack else self._guess("slack")
        # A longer idle wakes from a deeper state (on a VM, a descheduled vCPU): lateness grows
        # with the wait, so it is measured at 1 ms and at 20 ms and read in between.
        long = _us(ts, "nanosleep_20ms")
        self.slack_20ms_s = long / 1e6 if long else self.slack_s
        self.request_s = (_us(m, "request_us") or 0) / 1e6 or self._guess("request")
        # On a loop the requests in flight share its one thread: each costs its share of it.
        self._request_loop_measured_s = (_us(m, "request_loop_us") or 0) / 1e6
        self.request_loop_s = max(self.request_s, self._request_loop_measured_s)
        self.wake_s = (_us(m, "wake_us") or 0) / 1e6 or self._guess("wake")
        self.thread_start_s = (_us(m, "thread_create_join_us") or 0) / 1e6 or \
            self._guess("thread_start")
        self._file_call_s = (_us(m, "file_call_us") or 0) / 1e6
        self.dispatch = {k: v / 1e6 for k, v in (m.get("dispatch_us") or {}).items()
                         if isinstance(v, (int, float))}

    def _guess(self, name):
        if name not in self.assumed:
            self.assumed.append(name)
        return self.GUESS[name]

    def file_call_s(self):
        """The fixed cost of one call on a cached file (a 1-byte pread, p90)."""
        return self._file_call_s or self._guess("file_call")

    def dispatch_s(self, executor):
        if executor in self.dispatch:
            return self.dispatch[executor]
        if "dispatch" not in self.assumed:
            self.assumed.append("dispatch")
        return self.GUESS["dispatch"]

    def slack_at(self, wait_s):
        """How late a wait of wait_s ends here (p90): the 1 ms figure up to 1 ms; beyond, the
        larger of the 1 ms and 20 ms figures (lateness rises steeply past a millisecond, then
        levels off: 5 ms waits are already nearly as late as 20 ms ones)."""
        return self.slack_s if wait_s <= 1e-3 else max(self.slack_s, self.slack_20ms_s)

    def per_wait_s(self, row):
        """How much later than its L one wait may end: the lateness of an idle sleeper waking
        (with a margin: LATENESS_MARGIN), plus on a loop libuv's millisecond tick; for a request
        twice the lateness (the server's delay timer and the client's wait on its socket both
        sleep through L) plus its round trip."""
        lat = row.get("latency-ms", 0) / 1e3
        late = LATENESS_MARGIN * self.slack_at(lat)
        if row.registry.needs_server(row.workload):
            return 2 * late + self.request_s  # the server times it (to the µs), not the loop
        if row.schedule is not None and row.schedule.on_loop and lat > 0:
            return late + LOOP_TICK_S
        return late

    def per_task_s(self, row):
        """CPU one task costs its executor beyond its work: handing it out, and for a request
        its round trip (on a loop: its share of the loop's time with many in flight)."""
        if not row.registry.needs_server(row.workload):
            return self.dispatch_s(row.executor)
        on_loop = row.schedule is not None and row.schedule.on_loop
        return self.dispatch_s(row.executor) + (self.request_loop_s if on_loop else self.request_s)

    def slack_for(self, row, cores):
        """Everything the ideal model leaves out for this row, in seconds: each wait in series
        may end late; the per-task costs run on one thread (a loop) or spread over the cores;
        every thread of a pool is woken for the batch (waking serialises on the cores), and the
        last worker's first task starts when the scheduler has placed it (measured per sample:
        first_task_us); plus a fixed allowance of two timer slacks."""
        s = row.schedule
        n = int(row.tasks or 1)
        if s is None:
            return None
        spread = 1 if s.on_loop else max(1, min(s.waits, cores, n))
        # A loop that computes on its own thread wakes no thread; one that hands each task's
        # compute to worker threads (hybrid, even with one) wakes one per task.
        rule = row.registry.rule(row.executor) or {}
        own_thread = s.on_loop and rule.get("computes_at_once", "1") == "1"
        threads = 0 if own_thread else min(max(s.waits, s.computes), n)
        return (s.serial_waits(n) * self.per_wait_s(row) + n * self.per_task_s(row) / spread
                + threads * self.wake_s / max(1, cores) + (row.first_task_us or 0) / 1e6
                + 2 * self.slack_s)

    def describe(self):
        """One line for the claims' tolerance text."""
        parts = [f"a wait ends up to {self.slack_s * 1e6:.0f} µs late at 1 ms, "
                 f"{self.slack_20ms_s * 1e6:.0f} µs at 20 ms and beyond",
                 f"a request costs {self.request_s * 1e6:.0f} µs"
                 + (f" ({self._request_loop_measured_s * 1e6:.0f} µs of a loop's time with 200 "
                    "in flight; the larger is charged on a loop)"
                    if self._request_loop_measured_s else ""),
                 f"a wake-up {self.wake_s * 1e6:.0f} µs"]
        if self.dispatch:
            parts.append("dispatch per task " + ", ".join(
                f"{k} {v * 1e6:.2f} µs" for k, v in self.dispatch.items()))
        text = "measured here: " + "; ".join(parts)
        if self.assumed:
            text += f" (assumed, not measured: {', '.join(self.assumed)})"
        return text
