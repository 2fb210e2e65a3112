"""NAME    constants.py
PURPOSE The one table of the numbers the claims and models still hold that this run did not
        measure: each with its value, where it is used, its kind and why it belongs there.
        Everything else a band needs comes from this machine's measured costs (machine.json
        from `cvpbench calibrate`, read by costs.py) or from the run's own samples.

Kinds: "world" (true on any machine: a limit of physics or of a library's documented
algorithm, or what the claim itself asserts), "statistics" (a level or rule of the statistics,
not of the machine), "stated" (a tolerance chosen by hand; not yet derived from a measurement:
the reason says what it covers and what would replace it). The claims import their figures from
here, and the report shows TABLE (htmlconstants.py). It imports nothing of cvp.
"""

TABLE = []


def _k(name, value, used, kind, why):
    TABLE.append({"name": name, "value": value, "used": used, "kind": kind, "why": why})
    return value


# Statistics.
LEVEL = _k("LEVEL", 0.95, "stats.py, every interval", "statistics",
           "the coverage of every interval; a level of the statistics, not of the machine")
TUKEY_MILD = _k("TUKEY_MILD", 1.5, "stats.tukey, row.py", "statistics",
                "Tukey's inner fence (IQRs beyond the quartiles), as criterion counts outliers")
TUKEY_SEVERE = _k("TUKEY_SEVERE", 3.0, "stats.tukey, claims/_kit.py", "statistics",
                  "Tukey's outer fence: a point with a sample beyond it is too noisy to decide")
TUKEY_MIN_SAMPLES = _k("TUKEY_MIN_SAMPLES", 4, "stats.tukey", "statistics",
                       "quartiles of fewer samples say nothing")
MIN_SHIFT_SAMPLES = _k("MIN_SHIFT_SAMPLES", 3, "stats.shift_ratio", "statistics",
                       "the Mann-Whitney interval of a ratio of two independent samples: below 3 "
                       "each (and at 3 and 3, 3 and 4) no 95% interval exists, and the ratio of "
                       "the two medians' intervals is used")
PICK_MIN_CELLS = _k("PICK_MIN_CELLS", 2, "pick.py", "statistics",
                    "the advice names an executor for a kind of batch only from two settings of "
                    "N, L and W or more: one cell is one setting, not a kind")
MIN_INTERVAL_SAMPLES = _k("MIN_INTERVAL_SAMPLES", 3, "scale.py (as cvpbench's summary.c)",
                          "statistics", "a median's interval needs 3 samples at least (their "
                          "range covers 75%); fewer give a value, no interval and no verdict")

# When a case's timings are not the machine's own.
DISTURBED_CORES = _k("DISTURBED_CORES", 0.25, "results.Case.disturbed", "stated",
                     "other processes (or steal) keeping a quarter of a core busy make CPU-bound "
                     "timings someone else's: the case can hold, never fail")
CLOCK_MOVED = _k("CLOCK_MOVED", 0.10, "results.Case.disturbed", "stated",
                 "a clock that moved more than 10% between the case's start and end changed "
                 "the work per second under it: the case can hold, never fail")

# What a claim asserts (its own words, true on any machine).
NO_SPEEDUP = _k("NO_SPEEDUP", 1.1, "claims/cp.py", "world",
                "\"no speed-up\": one task at a time under the interpreter lock is at most 1x; "
                "the 10% covers two programs calibrating their own work per task")
ORDERS = _k("ORDERS", 100.0, "claims/cp.py", "world",
            "\"orders of magnitude\": at least two, BLAS over pure Python")
COSTLIER = _k("COSTLIER", 2.0, "claims/c14.py", "world",
              "\"costs more\": a process at least twice a thread to start and to hold")
OVERLAP_MIN = _k("OVERLAP_MIN", 1.0, "claims/c9.py", "world",
                 "cold reads that overlap are faster than one at a time")
HALF = _k("HALF", 0.5, "selfcheck.py", "world",
          "tuned kernels reach 75-95% of the FMA peak, plain loops 10-25%: half separates the "
          "two kinds of code on any CPU (the peak itself is measured)")
STACK_PAGE_KIB = _k("STACK_PAGE_KIB", 4.0, "claims/c6.py", "world",
                    "a thread touches at least one page of its stack (4 KiB, the smallest page "
                    "of the targets built)")
LOOP_TICK_S = _k("LOOP_TICK_S", 1e-3, "costs.py", "world",
                 "libuv keeps its clock and timers in whole milliseconds")
POOL_MAP_CHUNKS = _k("POOL_MAP_CHUNKS", 4, "claims/cp.py", "world",
                     "multiprocessing.Pool.map cuts its tasks into 4 chunks per process "
                     "(CPython's algorithm): the pool's last worker runs whole chunks")

# Tolerances chosen by hand (not yet derived from a measurement).
SPEEDUP_BAND = _k("SPEEDUP_BAND", (0.8, 1.1), "claims/c4.py; claims/cp.py (rows that record no "
                  "costs of their own)", "stated",
                  "measured / ideal speed-up; CP's rows that record their pool's costs use its "
                  "model instead (one time / cores + tasks x transfer + wake-ups + timer slack)")
SAME = _k("SAME", (0.9, 1.1), "claims/c3.py, c5.py", "stated",
          "\"as slow as\": the model says 1; 10% covers what it leaves out")
PROCESS_SAME = _k("PROCESS_SAME", (0.85, 1.18), "claims/c14.py", "stated",
                  "processes / threads on the same compute: the same speed within 15%")
MPI_BAND = _k("MPI_BAND", (0.75, 1.35), "claims/c15.py", "stated",
              "measured / modelled wall (compute / R + bytes / measured bandwidth) at one rank, "
              "and the lower end at every R; above one rank the upper end is the world's: R "
              "ranks must beat one rank's measured wall (their run-to-run share of the all-core "
              "clock, caches and MPI's busy polling is not modelled)")
PICK_WITHIN = _k("PICK_WITHIN", 1.10, "crossover.py, claims/c8.py", "stated",
                 "the executors the model cannot separate: within 10% of its best prediction")
AGREE_WITHIN = _k("AGREE_WITHIN", 1.25, "crossover.py, claims/c8.py", "stated",
                  "the model's pick measures within 25% of the winner")
MODEL_LOW, MODEL_HIGH = _k("MODEL_FACTORS", (0.8, 1.5), "crossover.py, claims/c8.py, c16.py",
                           "stated", "measured in [0.8 x model, 1.5 x model + the measured "
                           "slack (costs.py)]")
LATENESS_MARGIN = _k("LATENESS_MARGIN", 1.5, "costs.py", "stated",
                     "a wait's lateness is measured once at calibration and varies by about "
                     "+-15% on the VMs seen: a bound takes half as much again")
LOOP_TASK_KIB = _k("LOOP_TASK_KIB", 1.0, "claims/c6.py", "stated",
                   "a timer handle plus an outcome record stays well under 1 KiB")
MIN_TASKS = _k("MIN_TASKS", 1000, "claims/c6.py", "stated",
               "below this, a few pages of set-up noise swamp the per-task slope")
CPU_MIN, WALL_MIN = _k("REUSE_MIN", (1.1, 0.95), "claims/c7.py", "stated",
                       "no-reuse / reuse: client CPU at least 1.1, wall at least 0.95")
OVERLAP_MAX = _k("OVERLAP_MAX", 1.1, "claims/c9.py", "stated",
                 "measured speed-up / the most that w reads at once allow")
COLD_VS_WARM = _k("COLD_VS_WARM", 2.0, "claims/c9.py", "stated",
                  "a cold read this much slower than a warm one came from the device")
READS_LOW, READS_HIGH = _k("READS_BAND", (0.7, 1.1), "claims/c10.py", "stated",
                           "reads: speed-up / min(threads, cores)")
WRITES_MAX = _k("WRITES_MAX", 1.15, "claims/c10.py", "stated",
                "updates: no executor beats one writer at a time by more")
ROW_BOUND = _k("ROW_BOUND", 100, "claims/c10.py", "stated",
               "shorter reads are dominated by the WAL index lock the model leaves out")
