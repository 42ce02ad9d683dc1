#!/usr/bin/env python3
"""Who-said-what quality gate: five F1 figures of ``find_quotes`` on the quotes dev set.

    .venv/bin/python eval/quotes_gate.py [--data ../shared/data/quotes-dev/quotes-dev.jsonl]

Runs the shared scorer (``../shared/tools/eval_quotes.py``) on ``eval.quotes_dev:predict``
and compares overlap-matched who-said-what F1 on the subsets direct, direct (named),
quoted, speech and all with the floors pinned in ``eval/floors.json`` (key "quotes").
Exits 1 when any figure is below its floor.  The floors change only by editing that file:
a lower measurement never lowers them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = {
    "direct": ("direct", "who_said_what"),
    "direct_named": ("direct", "who_said_what_named"),
    "quoted": ("quoted", "who_said_what"),
    "speech": ("speech", "who_said_what"),
    "all": ("all", "who_said_what"),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/quotes-dev/quotes-dev.jsonl"))
    parser.add_argument("--tools", default=str(ROOT.parent / "shared/tools"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (no gate then)")
    args = parser.parse_args()

    floors = json.loads((ROOT / "eval" / "floors.json").read_text())["quotes"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            str(Path(args.tools) / "eval_quotes.py"),
            "--data",
            args.data,
            "--system",
            "eval.quotes_dev:predict",
            "--out",
            str(out),
        ]
        if args.limit:
            command += ["--limit", str(args.limit)]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(out.read_text())

    metrics = result["metrics"]
    failed = []
    for name, (subset, key) in FIGURES.items():
        value = metrics[subset]["overlap"][key]["f1"]
        floor = floors[name]
        mark = "ok " if value >= floor else "LOW"
        print(f"{mark} {name:<13} who-said-what F1 {value:.4f}  (floor {floor})")
        if value < floor:
            failed.append(name)
    throughput = result.get("throughput", {})
    speed, failures = throughput.get("articles_per_cpu_s"), result["system_failures"]
    print(f"articles per CPU-second {speed}, failures {failures}")
    if args.limit:
        print("(a subset: no gate)")
        return 0
    if failed or result["system_failures"]:
        print(f"FAIL: below the pinned floors: {', '.join(failed) or 'system failures'}")
        return 1
    print("ok: at or above the pinned floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
