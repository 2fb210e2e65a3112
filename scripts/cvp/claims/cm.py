"""NAME    claims/cm.py
PURPOSE CM: the crossover map in Python (the cases tagged CM: the reference programs running
        the mixed workload, each task a GET of /delay/L then W us of pure-Python hashing). As
        C8, the models of the programs' own rules (reference/NAME --describe) predict each
        cell's winner; an interpreter's own costs per request are not in the models, so each
        executor's time is not held to them (only the winner is). Its record keeps every cell,
        which the answer's "in Python" advice reads (pick.decisions with python=True).
        Evidence: the case's table."""
from . import claim
from .c8 import judge_map

ID = "CM"


@claim(ID, unit="s", see_case=True)
def judge(run, costs):
    return judge_map(run, costs, ID, fits=False, what=" in Python")
