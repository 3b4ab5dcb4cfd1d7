"""Planning algorithms against their baselines.

Matching: our pipeline (validation + deferred acceptance + stability check) on
seeded Zipf markets against ``matching`` 1.4.3 (``HospitalResident.
create_from_dictionaries`` + ``solve(optimal="resident")``, recursion limit raised),
which runs in a child process with a time limit; outputs must be identical wherever
both finish. Then NRMP scale (45,000 x 6,400 x 12) on our side alone.

Scheduling: BRIEF programme 1 scale (233 experts, 40 host departments, 52 weeks).
The compact model on 2 workers, then the dense expert x day x host model, time-boxed,
timed to the compact plan's objective.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from medbridge.planning import matching
from medbridge.planning.matching.instances import generate as generate_market
from medbridge.planning.scheduling import dense as dense_model
from medbridge.planning.scheduling import plan, violations
from medbridge.planning.scheduling.instances import generate as generate_schedule
from medbridge.planning.scheduling.solving import SolveStats, run_solver

LIBRARY_SECONDS = 900
DENSE_SECONDS = 180.0


def run() -> dict[str, Any]:
    result = {"matching": _matching(), "scheduling": _scheduling()}
    print(_summary(result), flush=True)
    return result


def _matching() -> dict[str, Any]:
    rows = [_versus_library(n, m, k, seed) for n, m, k, seed in [(5000, 500, 10, 1), (20000, 2000, 10, 0)]]
    nrmp = generate_market(45000, 6400, 12, seed=0)
    return {"versus_matching_1_4_3": rows, "nrmp_45000x6400x12": _median_seconds(nrmp)}


def _median_seconds(problem: matching.MatchingProblem, repeat: int = 5) -> dict[str, float]:
    """Median wall and CPU seconds of the whole pipeline. On a shared machine the CPU
    time is the honest figure for "on one core"; on a quiet one the two agree."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        matching.solve(problem)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"wall_s": round(statistics.median(wall), 4), "cpu_s": round(statistics.median(cpu), 4)}


def _versus_library(n: int, m: int, k: int, seed: int) -> dict[str, Any]:
    problem = generate_market(n, m, k, seed=seed)
    ours_s = _median_seconds(problem)
    ours = matching.solve(problem).assignment
    row: dict[str, Any] = {"instance": f"{n}x{m}x{k} seed {seed}", "ours": ours_s}
    theirs, theirs_s = _library_in_child(problem)
    if theirs is None:
        row |= {
            "library": f"> {LIBRARY_SECONDS} s wall (stopped)",
            "ratio_wall": f">= {LIBRARY_SECONDS / ours_s['wall_s']:.0f}",
        }
    else:
        row |= {
            "library": {key: round(value, 2) for key, value in theirs_s.items()},
            "ratio_wall": round(theirs_s["wall_s"] / ours_s["wall_s"]),
            "ratio_cpu": round(theirs_s["cpu_s"] / ours_s["cpu_s"]),
            "identical": bool((theirs == ours).all()),
        }
    print(f"  matching {row}", flush=True)
    return row


def _library_in_child(problem: matching.MatchingProblem) -> tuple[np.ndarray | None, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "market.npz"
        np.savez(
            path,
            a_ptr=problem.applicant_prefs.ptr,
            a_items=problem.applicant_prefs.items,
            d_ptr=problem.department_prefs.ptr,
            d_items=problem.department_prefs.items,
            quotas=problem.quotas,
        )
        try:
            subprocess.run([sys.executable, __file__, str(path)], check=True, timeout=LIBRARY_SECONDS)  # noqa: S603
        except subprocess.TimeoutExpired:
            return None, {}
        out = np.load(Path(tmp) / "out.npz")
        return out["assignment"], {"wall_s": float(out["seconds"]), "cpu_s": float(out["cpu"])}


def _library_child(path: Path) -> None:
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)
    data = np.load(path)
    problem = matching.MatchingProblem(
        applicant_prefs=matching.Preferences(ptr=data["a_ptr"], items=data["a_items"]),
        department_prefs=matching.Preferences(ptr=data["d_ptr"], items=data["d_items"]),
        quotas=data["quotas"],
    )
    residents = {a: problem.applicant_prefs.of(a) for a in range(problem.n_applicants)}
    hospitals = {d: problem.department_prefs.of(d) for d in range(problem.n_departments)}
    capacities = {d: int(q) for d, q in enumerate(problem.quotas)}
    warnings.simplefilter("ignore")  # one warning per pair that is not mutually acceptable
    started, started_cpu = time.perf_counter(), time.process_time()
    game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities, clean=True)
    solution = game.solve(optimal="resident")
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    assignment = np.full(problem.n_applicants, -1, dtype=np.int64)
    for hospital, matched in solution.items():
        for resident in matched:
            assignment[resident.name] = hospital.name
    np.savez(path.parent / "out.npz", assignment=assignment, seconds=seconds, cpu=cpu)


def _scheduling() -> dict[str, Any]:
    problem = generate_schedule(seed=1)
    result = plan(problem, seconds=60, workers=2, gap=0.02)
    stats = result.stats
    assert not violations(problem, result.sessions)
    target = stats.objective
    compact_s = stats.seconds_to_reach(target) or stats.total_seconds
    row: dict[str, Any] = {
        "instance": "233 experts x 40 hosts x 52 weeks, seed 1",
        "compact": {
            **_stats(stats),
            "first_plan_s": _round(stats.first_seconds()),
            "within_2pct_s": round(stats.total_seconds, 2) if stats.gap <= 0.02 else None,
            "to_objective_s": round(compact_s, 2),
        },
    }
    print(f"  scheduling compact {row['compact']}", flush=True)
    row["dense"] = _dense(problem, target)
    dense_s = row["dense"]["to_compact_objective_s"]
    row["ratio_to_same_objective"] = (
        round(dense_s / compact_s, 1) if dense_s is not None else f">= {DENSE_SECONDS / compact_s:.1f} (not reached)"
    )
    row["all_hosts_eligible"] = _all_hosts_eligible()
    return row


def _dense(problem: Any, target: float) -> dict[str, Any]:
    stats = SolveStats()
    started = time.perf_counter()
    model = dense_model.build(problem)
    stats.build_seconds = time.perf_counter() - started
    run_solver(model.model, stats, seconds=DENSE_SECONDS, workers=2, gap=0.02, started=started, light_presolve=False)
    reached = _round(stats.seconds_to_reach(target))
    row = {**_stats(stats), "time_box_s": DENSE_SECONDS, "to_compact_objective_s": reached}
    print(f"  scheduling dense {row}", flush=True)
    return row


def _all_hosts_eligible() -> dict[str, Any]:
    """The same scale when every expert may go to every host in range (no engagements)."""
    problem = generate_schedule(seed=1, stations_per_expert=None)
    stats = plan(problem, seconds=60, workers=2, gap=0.02).stats
    row = {**_stats(stats), "first_plan_s": _round(stats.first_seconds()), "total_s": round(stats.total_seconds, 2)}
    print(f"  scheduling all hosts eligible {row}", flush=True)
    return row


def _stats(stats: SolveStats) -> dict[str, Any]:
    return {
        "status": stats.status,
        "objective": stats.objective,
        "bound": stats.bound,
        "gap": round(stats.gap, 4),
        "build_s": round(stats.build_seconds, 2),
        "variables": stats.variables,
        "constraints": stats.constraints,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _summary(result: dict[str, Any]) -> str:
    full = result["matching"]["versus_matching_1_4_3"][-1]
    schedule = result["scheduling"]
    return (
        f"matching 20000x2000x10: ours {full['ours']}, matching 1.4.3 {full['library']}, "
        f"ratio wall {full['ratio_wall']} cpu {full.get('ratio_cpu')}; "
        f"NRMP scale {result['matching']['nrmp_45000x6400x12']}\n"
        f"scheduling: first plan {schedule['compact']['first_plan_s']} s, within 2 % "
        f"{schedule['compact']['within_2pct_s']} s, dense/compact to the same objective "
        f"{schedule['ratio_to_same_objective']}"
    )


if __name__ == "__main__":
    _library_child(Path(sys.argv[1]))
