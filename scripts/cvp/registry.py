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
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
REFERENCE_DIR = os.path.join(ROOT, "reference")
# The options every reference program takes that are about repeating, not the work.
REF_RUN_OPTIONS = {"reps", "warmup"}


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
        # Reference programs (reference/NAME --describe): the reader's own code and outside
        # tools, run by the suite beside cvpbench's executors under the same contract.
        self.references = doc.get("references", {})

    def is_reference(self, name):
        return name in self.references

    def reference_params(self, name, workload):
        """What a reference program reads when it runs this workload (cvpbench's names)."""
        ref = self.references.get(name, {})
        per = ref.get("workload_params", {}).get(workload)
        return set(per if per is not None else ref.get("params", [])) - REF_RUN_OPTIONS

    def unavailable(self, name, workload):
        """Why a reference cannot run this workload here ("not installed: ..."), else None."""
        ref = self.references.get(name)
        if ref is None:
            return None
        if not ref.get("available", False):
            return ref.get("why") or "not available"
        return (ref.get("unavailable_workloads") or {}).get(workload)

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
        """The executor's entry (capabilities and concurrency rule), or None when unknown. A
        reference program states its rule in its --describe, in the same terms."""
        if executor in self.executors:
            return self.executors[executor]
        ref = self.references.get(executor)
        if not ref or not ref.get("rule"):
            return None
        params = set(ref.get("params", []))
        return dict(ref["rule"], name=executor, threads="threads" in params,
                    cap="concurrency" in params,
                    threads_default="cores" if "threads" in params else None)

    def save(self, run_dir):
        with open(os.path.join(run_dir, FILE), "w") as f:
            json.dump(self.doc, f, indent=1)
            f.write("\n")


def from_binary(binary, references=True):
    try:
        out = subprocess.run([binary, "--list", "--format", "json"], capture_output=True,
                             text=True, check=True, timeout=30).stdout
        doc = json.loads(out)
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as e:
        raise RegistryError(f"{binary} cannot list what it offers ({e}); build it first "
                            "(make build)") from None
    if references:
        doc["references"] = load_references(os.path.dirname(os.path.dirname(
            os.path.abspath(binary))))
    return Registry(doc)


def load_references(build_dir, ref_dir=REFERENCE_DIR):
    """Every program in reference/ as it describes itself ({name: its --describe, plus its
    path}); one that cannot describe itself is listed as unavailable, with the reason."""
    refs = {}
    if not os.path.isdir(ref_dir):
        return refs
    env = dict(os.environ, CVP_BUILD_DIR=build_dir)
    for name in sorted(os.listdir(ref_dir)):
        path = os.path.join(ref_dir, name)
        if "." in name or not os.path.isfile(path) or not os.access(path, os.X_OK):
            continue  # the shared modules, the C source, the README
        try:
            r = subprocess.run([path, "--describe"], capture_output=True, text=True, timeout=30,
                               env=env, stdin=subprocess.DEVNULL)
            d = json.loads(r.stdout)
        except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as e:
            d = {"name": name, "workloads": [], "params": [], "available": False,
                 "why": f"its --describe failed ({type(e).__name__})"}
        d["path"] = path
        refs[name] = d
    return refs


def from_run(run_dir):
    """The registry a run was made with, or an empty one (older runs kept none)."""
    try:
        with open(os.path.join(run_dir, FILE), encoding="utf-8") as f:
            return Registry(json.load(f))
    except (FileNotFoundError, json.JSONDecodeError):
        return Registry({})
