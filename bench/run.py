"""Benchmark harness: ``make bench`` runs every ``bench/bench_*.py`` module's
``run() -> dict`` and writes its result to ``bench/results/<name>.json`` together
with the machine it ran on. Speed goals are checked here, never in unit tests."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def main() -> int:
    RESULTS.mkdir(exist_ok=True)
    only = sys.argv[1:]  # e.g. `bench/run.py planning` runs bench_planning.py alone
    modules = sorted(p for p in HERE.glob("bench_*.py") if not only or p.stem.removeprefix("bench_") in only)
    if not modules:
        print("bench: no benchmarks yet")
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {path.stem}", flush=True)
        result = {"machine": machine(), "result": module.run()}
        out = RESULTS / f"{path.stem.removeprefix('bench_')}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        print(json.dumps(result["result"], ensure_ascii=False, indent=2))
        print(f"-> {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
