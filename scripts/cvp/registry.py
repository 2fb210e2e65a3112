"""NAME    registry.py
PURPOSE What cvpbench offers, as it says itself (`cvpbench --list --format json`): workloads,
        executors, parameters, each executor's capabilities and concurrency rule. Every script
        reads this instead of keeping a list of names; a run directory keeps the copy it was run
        with (registry.json), so a run is judged by what its own binary could do.
"""
import json
import os
import subprocess

FILE = "registry.json"


class RegistryError(Exception):
    """One line for the user: the binary is missing or said something unreadable."""


class Registry:
    def __init__(self, doc):
        self.doc = doc
        self.workloads = {w["name"]: w for w in doc.get("workloads", [])}
        self.executors = {e["name"]: e for e in doc.get("executors", [])}
        self.params = {p["name"]: p for p in doc.get("params", [])}
        # How a batch runs (--fail-fast, --deadline-ms, --rate, ...): any workload, any
        # executor; in a suite, part of the point like a workload's own parameters.
        self.batch_options = {p["name"]: p for p in doc.get("batch_options", [])}
        self.params.update(self.batch_options)

    def workload_params(self, name):
        """What a case of this workload may set besides executor settings."""
        return set(self.workloads.get(name, {}).get("params", [])) | set(self.batch_options)

    def executor_params(self, name):
        return set(self.executors.get(name, {}).get("params", []))

    @property
    def executor_only_params(self):
        """Parameters that shape the schedule, not the work (threads, concurrency, pin, ...):
        rows that differ only in these did the same work."""
        w = set().union(*(set(x.get("params", [])) for x in self.workloads.values()))
        e = set().union(*(set(x.get("params", [])) for x in self.executors.values()))
        return e - w

    def kind(self, name):
        return self.params.get(name, {}).get("type")

    def negation(self, name):
        return self.params.get(name, {}).get("negation")

    def needs_server(self, workload):
        return bool(self.workloads.get(workload, {}).get("needs_server"))

    def default(self, workload, param):
        return self.workloads.get(workload, {}).get("defaults", {}).get(param)

    def rule(self, executor):
        """The executor's entry (capabilities and concurrency rule), or None when unknown."""
        return self.executors.get(executor)

    def save(self, run_dir):
        with open(os.path.join(run_dir, FILE), "w") as f:
            json.dump(self.doc, f, indent=1)
            f.write("\n")


def from_binary(binary):
    try:
        out = subprocess.run([binary, "--list", "--format", "json"], capture_output=True,
                             text=True, check=True, timeout=30).stdout
        return Registry(json.loads(out))
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as e:
        raise RegistryError(f"{binary} cannot list what it offers ({e}); build it first "
                            "(make build)") from None


def from_run(run_dir):
    """The registry a run was made with, or an empty one (older runs kept none)."""
    try:
        with open(os.path.join(run_dir, FILE), encoding="utf-8") as f:
            return Registry(json.load(f))
    except (FileNotFoundError, json.JSONDecodeError):
        return Registry({})
