"""NAME    cvpasync.py
PURPOSE What the asyncio reference programs share (py-asyncio, py-asyncio-to-thread,
        py-asyncio-procpool): asyncio.gather over one coroutine per task, behind
        asyncio.Semaphore(C) when --concurrency C is given, on one event loop that lives across
        repetitions, with the lesson's httpx.AsyncClient opened on it for the waits (mixed); and
        the mixed task itself: GET /delay/{L}, then W us of the hash chain wherever the program
        computes it.
USAGE   cvpasync.gathered(run, task, opened=cvpasync.client(run))"""
import asyncio
import contextlib

import cvphttp
import cvprun
import cvpwork


def client(run):
    """A function opening the lesson's httpx.AsyncClient, its pool following the cap (none
    without it: cvphttp.httpx_limits)."""
    import httpx
    limits = cvphttp.httpx_limits(httpx, run, run.p["concurrency"])
    return lambda: httpx.AsyncClient(limits=limits, timeout=run.timeout_s, trust_env=False)


def gathered(run, task, verify=None, result=None, prepare=None, opened=None):
    """asyncio.gather over task(t, i, held) for every task (behind the Semaphore when capped),
    on one event loop that lives across repetitions; held is what opened() gives (the client),
    opened on that loop before the first batch, else None."""
    cap = run.p["concurrency"]
    run.overlap = "loop"

    async def main():
        semaphore = asyncio.Semaphore(cap) if cap else None
        async with (opened() if opened else contextlib.nullcontext()) as held:
            async def capped(t, i):
                async with semaphore:
                    await task(t, i, held)

            async def plain(t, i):
                await task(t, i, held)

            one = capped if semaphore else plain

            async def batch(t):
                await asyncio.gather(*(one(t, i) for i in range(t.n)))
                return result() if result else None

            await run.batches_async(batch, verify, prepare)

    asyncio.run(main())


def mixed(run, compute):
    """The mixed workload under asyncio: each task awaits GET /delay/{L} on the AsyncClient,
    then `await compute(rounds)` gives the hash chain's result (computed on the loop thread, on
    a thread, or in a process: the program's choice)."""
    work = cvpwork.Spin(run.p["work-us"])
    run.metrics = work.metrics()

    async def task(t, i, http):
        t0 = cvprun.clock()
        cls, msg = await cvphttp.httpx_get_async(http, run.url)
        if cls == cvprun.OK and await compute(work.rounds) != work.expect:
            cls, msg = cvprun.OTHER, "the hash chain gave a wrong result"
        t.done(i, t0, cls, msg)
    gathered(run, task, opened=client(run))
