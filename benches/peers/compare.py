"""Times scaleplan against the SimPy model of the same year and checks that they agree.

    python3 benches/peers/compare.py [path/to/scaleplan] [runs]

Writes year-load.csv if it is missing (year_load.py), runs `scaleplan run year-trace.toml
--json` and `year_simpy.py` each `runs` times (default 5), alternating, and fails unless both
report the same activities, rejections, SLA seconds and billed instance-seconds, and cost and
unserved requests within 1e-9 (the sums are taken in a different order). Prints the medians
and their ratio. Needs `pip install simpy`."""

import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(command):
    began = time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=HERE).stdout
    return time.perf_counter() - began, output


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "scaleplan"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if not os.path.exists(os.path.join(HERE, "year-load.csv")):
        subprocess.run([sys.executable, "year_load.py"], check=True, cwd=HERE)
    ours, theirs, in_process = [], [], []
    for _ in range(runs):
        seconds, output = timed([binary, "run", "year-trace.toml", "--json"])
        ours.append(seconds)
        group = json.loads(output)["groups"][0]
        seconds, output = timed([sys.executable, "year_simpy.py"])
        theirs.append(seconds)
        simpy_summary = json.loads(output)
        in_process.append(simpy_summary["seconds_in_process"])
    exact = ["activities", "rejected_by_cooldown", "rejected_busy", "sla_violation_seconds"]
    for field in exact:
        assert group[field] == simpy_summary[field], (field, group[field], simpy_summary[field])
    billed = simpy_summary["instance_seconds"] / 3600
    assert abs(group["instance_hours"] - billed) <= 1e-9 * billed, (group["instance_hours"], billed)
    # scaleplan's JSON rounds money to a millionth (docs/outputs.md): half of that is allowed.
    for field, rounding in [("cost", 5e-7), ("unserved_requests", 0.0)]:
        ours_value, theirs_value = group[field], simpy_summary[field]
        allowed = max(1e-9 * abs(theirs_value), rounding)
        assert abs(ours_value - theirs_value) <= allowed, (field, ours_value, theirs_value)
    print("same results:", ", ".join(f"{field} {group[field]}" for field in exact + ["cost"]))
    a, b, c = (statistics.median(values) for values in (ours, theirs, in_process))
    print(f"scaleplan run (whole process, trace parsing included): median {a:.3f} s of {runs}")
    print(f"SimPy model (whole process): median {b:.3f} s; its simulation alone {c:.3f} s")
    print(f"ratio: {b / a:.1f}x as whole processes, {c / a:.1f}x SimPy's simulation alone")


if __name__ == "__main__":
    main()
