#!/usr/bin/env python3
"""Story clustering quality gate: B-cubed F1 of ``StoryClusterer`` on the stories dev set.

    .venv/bin/python eval/stories_gate.py [--data ../shared/data/stories-dev] [--tools ../shared/tools]

Runs the shared scorer (``../shared/tools/eval_stories.py``) on
``wirewatch.stories.cluster:make`` over the three streams of the dev set (ECB+, BASIL,
GoogleNews; each with a fresh clusterer, the articles streamed one by one), prints the
online B-cubed precision, recall and F1 per file and their macro mean, and compares the
macro F1, each file's F1 and the ECB+ precision with the floors pinned in
``eval/floors.json`` (key "stories").  Exits 1 when any figure is below its floor.  The
floors change only by editing that file: a lower measurement never lowers them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {"ecbplus": "ecbplus-dev.jsonl", "basil": "basil-dev.jsonl", "gnews": "gnews-dev.jsonl"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/stories-dev"))
    parser.add_argument("--tools", default=str(ROOT.parent / "shared/tools"))
    parser.add_argument(
        "--limit", type=int, default=0, help="only the first N articles of each file (no gate then)"
    )
    args = parser.parse_args()

    floors = json.loads((ROOT / "eval" / "floors.json").read_text())["stories"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            str(Path(args.tools) / "eval_stories.py"),
            "--data",
            *(str(Path(args.data) / name) for name in FILES.values()),
            "--system",
            "wirewatch.stories.cluster:make",
            "--out",
            str(out),
        ]
        if args.limit:
            command += ["--limit", str(args.limit)]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(out.read_text())

    figures: dict[str, float] = {"macro_f1": result["macro"]["bcubed_f1"]}
    for key, name in FILES.items():
        scores = result["files"][name]
        online = scores["online"]
        figures[f"{key}_f1"] = online["bcubed_f1"]
        if key == "ecbplus":
            figures["ecbplus_p"] = online["bcubed_p"]
        final = scores.get("final", {}).get("bcubed_f1")
        print(
            f"    {key:<8} B3 P/R/F1 {online['bcubed_p']:.4f} {online['bcubed_r']:.4f} "
            f"{online['bcubed_f1']:.4f}  (final, after merges: {final:.4f})  "
            f"{scores['articles_per_s']:.0f} articles/s, p95 {scores['latency_ms_p95']:.1f} ms"
        )
    failed = []
    for name, value in figures.items():
        floor = floors[name]
        mark = "ok " if value >= floor else "LOW"
        print(f"{mark} {name:<11} {value:.4f}  (floor {floor})")
        if value < floor:
            failed.append(name)
    if args.limit:
        print("(a subset: no gate)")
        return 0
    if failed:
        print(f"FAIL: below the pinned floors: {', '.join(failed)}")
        return 1
    print("ok: at or above the pinned floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
