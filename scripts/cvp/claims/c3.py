"""NAME    claims/c3.py
PURPOSE C3: the event loop gives CPU-bound work no speed-up (it computes inline on its one
        thread). Evidence: the speed-up plot."""
from . import claim
from ._kit import SAME, Claim
from ._same import ratio_claim

ID = "C3"


@claim(ID, unit="x", plot="cpu-speedup")
def judge(run, costs):
    c = Claim(ID, "the event loop gives CPU-bound work no speed-up",
              "event-loop = sequential (the loop computes inline on its one thread)",
              f"event-loop / sequential in [{SAME[0]}, {SAME[1]}] (paired rounds)")
    return ratio_claim(run, c, ID, lambda r: True)
