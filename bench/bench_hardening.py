"""Hardening drills that take too long for ``make test``: every module in
``bench/hardening/`` exposes ``run() -> dict``; their results are gathered into
``bench/results/hardening.json`` under the module's name (load, faults, ...).
``bench/run.py hardening`` runs them alone; ``HARDENING_ONLY=load`` narrows further."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "hardening"


def run() -> dict[str, Any]:
    only = {name for name in os.environ.get("HARDENING_ONLY", "").split(",") if name}
    results: dict[str, Any] = {}
    for path in sorted(HERE.glob("[a-z]*.py")):
        if only and path.stem not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"hardening_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== hardening/{path.stem}", flush=True)
        results[path.stem] = module.run()
    return results
