"""NAME    cvpwork.py
PURPOSE The work the Python reference programs compute, the same work as cvpbench's: spin's
        calibrated hash chain (workloads/hashwork.c, in pure Python), matmul's inputs, a
        pure-Python block of rows, and the closed-form check of every element of C (for lists
        and for NumPy arrays). Importable by worker processes.
USAGE   import cvpwork; w = cvpwork.Spin(work_us); ok = cvpwork.hash_chain(w.rounds) == w.expect"""
import operator
import os
import time

MASK = (1 << 64) - 1

# Pure-Python matmul is n^3 interpreted multiply-adds (n = 128: 2 M, about 0.1 s): kept small.
PURE_PYTHON_MAX_SIZE = 128
PURE_PYTHON_DEFAULT_SIZE = 64


def hash_chain(rounds):
    """splitmix64's finaliser as a dependent chain, bit for bit as hashwork.c: every round needs
    the previous one, and the result proves that all rounds ran."""
    x = 0x9E3779B97F4A7C15
    for _ in range(rounds):
        x ^= x >> 30
        x = (x * 0xBF58476D1CE4E5B9) & MASK
        x ^= x >> 27
        x = (x * 0x94D049BB133111EB) & MASK
        x ^= x >> 31
    return x


def _given_rate():
    """CVP_HASH_ROUNDS_PER_US as a positive number, or None (unset or not a number)."""
    try:
        v = float(os.environ.get("CVP_HASH_ROUNDS_PER_US", ""))
    except ValueError:
        return None
    return v if 0 < v < 1e6 else None


class Spin:
    """--work-us of pure-Python work: rounds per microsecond measured here (the best of a few
    trials of at least 5 ms, the least disturbed one), or the rate CVP_HASH_ROUNDS_PER_US gives
    (the suite passes its case's first program's, so that every program does the same work),
    and the chain's expected result. The rate measured here is recorded either way
    (hash_rounds_per_us_here): CPython processes run the chain at rates that differ by chance,
    and a comparison across processes must know by how much."""

    def __init__(self, work_us):
        self.work_us, self.rate_from = work_us, "calibrated here"
        self.rate_here = _calibrate()
        given = _given_rate()
        if given:  # the case's first program calibrated it (scripts/cvp/runcase.py)
            self.rate_from = "shared: CVP_HASH_ROUNDS_PER_US"
        self.rounds_per_us = given or self.rate_here
        self.rounds = int(work_us * self.rounds_per_us)
        self.expect = hash_chain(self.rounds)

    def metrics(self):
        return {"hash_rounds_per_us": round(self.rounds_per_us, 4),
                "hash_rounds_per_task": self.rounds, "hash_rate_from": self.rate_from,
                "hash_rounds_per_us_here": round(self.rate_here, 4)}


def _calibrate():
    """Rounds per microsecond here: the best of a few trials of at least 5 ms."""
    best, rounds = 0.0, 1 << 10
    for trial in range(8):
        t0 = time.perf_counter()
        hash_chain(rounds)
        dt = time.perf_counter() - t0
        if dt < 0.005 and trial < 7:
            rounds *= 2  # too short to time well
            continue
        best = max(best, rounds / (dt * 1e6))
    return best or 1.0


# ---- matmul: A(i,k) = i + 2k, B(k,j) = k + j ------------------------------------------------

def row_blocks(n, tasks):
    """cvpbench's split: task i computes rows [i*n/tasks, (i+1)*n/tasks)."""
    return [(i * n // tasks, (i + 1) * n // tasks) for i in range(tasks)]


def matmul_inputs(n):
    """A by rows and B by columns (B transposed, as cvpbench packs B at set-up), as floats."""
    a = [[float(i + 2 * k) for k in range(n)] for i in range(n)]
    bt = [[float(k + j) for k in range(n)] for j in range(n)]
    return a, bt


def matmul_rows(a, bt, r0, r1):
    """Rows [r0, r1) of C = A x B in pure Python: n^2 dot products of length n."""
    mul = operator.mul
    return [[sum(map(mul, a[i], col)) for col in bt] for i in range(r0, r1)]


def expected(n, i, j):
    """C(i,j) = i*S1 + n*i*j + 2*S2 + 2*j*S1, S1 = n(n-1)/2, S2 = (n-1)n(2n-1)/6: integers
    below 2^53, so every summation order gives exactly this double."""
    s1 = n * (n - 1) // 2
    s2 = (n - 1) * n * (2 * n - 1) // 6
    return float(i * s1 + n * i * j + 2 * s2 + 2 * j * s1)


def corrupt(c, n):
    """Test-only (--corrupt): one element changed, which validation must catch."""
    i, j = n // 2, n // 3
    if hasattr(c, "shape"):
        c[i, j] += 1.0
    else:
        c[i][j] = c[i][j] + 1.0


def check_rows(c, n):
    """Every element of a list-of-rows C against the closed form; a reason, or None."""
    if len(c) != n or any(len(row) != n for row in c):
        return f"C is not {n} x {n}"
    for i in range(n):
        row = c[i]
        for j in range(n):
            want = expected(n, i, j)
            if row[j] != want:
                return f"C({i},{j}) = {row[j]!r}, expected {want!r}"
    return None


def numpy_inputs(np, n):
    i = np.arange(n, dtype=np.float64)
    return i[:, None] + 2 * i[None, :], i[:, None] + i[None, :]


def check_array(np, c, n):
    """The same check, vectorised, on a NumPy array (exact integer arithmetic in int64)."""
    if c.shape != (n, n):
        return f"C has shape {c.shape}, expected ({n}, {n})"
    i = np.arange(n, dtype=np.int64)
    s1 = n * (n - 1) // 2
    s2 = (n - 1) * n * (2 * n - 1) // 6
    want = (i[:, None] * s1 + n * i[:, None] * i[None, :] + 2 * s2 + 2 * i[None, :] * s1)
    bad = np.argwhere(c != want.astype(np.float64))
    if len(bad):
        r, k = (int(x) for x in bad[0])
        return f"C({r},{k}) = {c[r, k]!r}, expected {float(want[r, k])!r}"
    return None


def flops(n):
    return 2.0 * n * n * n

