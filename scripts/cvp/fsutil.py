"""NAME    fsutil.py
PURPOSE Small file helpers shared by the scripts: atomic writes and JSON lines.

Every file a run leaves behind is written to a temporary name and renamed, so an interrupted run
never leaves a half-written file that a later tabulate would trip over.
"""
import json
import os


def write_atomic(path, text):
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_json(path, obj):
    write_atomic(path, json.dumps(obj, indent=1, sort_keys=False) + "\n")


def read_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def read_json_lines(path):
    """The parseable lines of a JSON-lines file; a torn last line is skipped, not fatal."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    except FileNotFoundError:
        pass
    return out
