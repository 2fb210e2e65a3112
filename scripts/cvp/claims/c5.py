"""NAME    claims/c5.py
PURPOSE C5: a blocking call inside the loop makes it as slow as one task after another."""
from . import claim
from ._kit import SAME, Claim
from ._same import ratio_claim

ID = "C5"


@claim(ID, unit="x")
def judge(run, costs):
    c = Claim(ID, "a blocking call inside the loop makes it as slow as sequential",
              "event-loop --blocking = sequential = N*L (the only thread waits in each task)",
              f"blocking / sequential in [{SAME[0]}, {SAME[1]}] (paired rounds)")
    return ratio_claim(run, c, ID, lambda r: r.get("blocking") == "yes")
