#!/usr/bin/env python3
"""Extraction benchmark: wirewatch's ``extract_article`` against trafilatura, same run.

    .venv/bin/python benchmarks/bench_extract.py [--data ../shared/data/extraction-dev] [--repeat 3]

Both get the same decoded HTML strings; trafilatura runs in its best configuration on
this set (``favor_precision=True, include_comments=False``).  Prints token1 / shingle4 F1,
pages per CPU-second (best of ``--repeat`` passes, CPU time so that other load on the
machine hardly matters) and the ratios wirewatch / trafilatura.  The two extractors
alternate pass by pass so that a change in machine load hits both alike.

On a shared machine CPU time itself drifts by tens of percent from one pass to the next
(frequency, caches), so a second figure interleaves at the page level: each page goes
through both extractors back to back, ``--repeat`` times, each page's fastest run counts,
and the speed is pages over the sum of those; a load change then hits both within
milliseconds of each other.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

import trafilatura  # noqa: E402
from extraction_gate import article_text, load_scorer  # noqa: E402


def trafilatura_text(html: str, url: str | None = None) -> str:
    return trafilatura.extract(html, url=url or None, favor_precision=True, include_comments=False) or ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "extraction-dev")
    ap.add_argument("--tools", type=Path, default=ROOT.parent / "shared" / "tools")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per extractor; the fastest counts")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)

    scorer = load_scorer(args.tools)
    _, pages = scorer.load_dataset(args.data, limit=args.limit)
    runs: dict[str, Callable[[str, str | None], str]] = {
        "wirewatch": article_text,
        "trafilatura(precision)": trafilatura_text,
    }
    best_cpu: dict[str, float] = {}
    preds: dict[str, dict[str, str]] = {}
    for _ in range(args.repeat):
        for name, run in runs.items():
            out, errors, _wall, cpu = scorer.run_extractor(run, pages, timeout=60.0, in_process=True)
            preds[name] = out
            best_cpu[name] = min(cpu, best_cpu.get(name, float("inf")))
            if errors:
                print(f"{name}: {len(errors)} errors", file=sys.stderr)
    rows = {}
    for name in runs:
        result, _ = scorer.evaluate(pages, preds[name], n_boot=0)
        rows[name] = (result["token1"]["f1"], result["shingle4"]["f1"], len(pages) / best_cpu[name])
    print(f"{len(pages)} pages, best of {args.repeat} passes")
    print(f"{'extractor':<24} {'token1':>7} {'shingle4':>9} {'pages/CPU-s':>12}")
    for name, (t1, s4, speed) in rows.items():
        print(f"{name:<24} {t1:>7.4f} {s4:>9.4f} {speed:>12.1f}")
    ours, theirs = rows["wirewatch"], rows["trafilatura(precision)"]
    print(
        f"ratio wirewatch/trafilatura: token1 {ours[0] / theirs[0]:.4f}, shingle4 {ours[1] / theirs[1]:.4f}, "
        f"speed {ours[2] / theirs[2]:.2f}x"
    )
    speeds = interleaved_speeds(runs, pages, args.repeat)
    shown = ", ".join(f"{name} {speed:.1f}" for name, speed in speeds.items())
    ratio = speeds["wirewatch"] / speeds["trafilatura(precision)"]
    print(f"interleaved per page, pages/CPU-s: {shown}; speed {ratio:.2f}x")
    return 0


def interleaved_speeds(
    runs: dict[str, Callable[[str, str | None], str]], pages: list[Any], repeat: int
) -> dict[str, float]:
    """Pages per CPU-second, each page run by every extractor back to back, fastest of ``repeat``."""
    best = {name: [float("inf")] * len(pages) for name in runs}
    for _ in range(repeat):
        for i, page in enumerate(pages):
            for name, run in runs.items():
                start = time.process_time()
                run(page.html, page.url)
                best[name][i] = min(best[name][i], time.process_time() - start)
    return {name: len(pages) / sum(times) for name, times in best.items()}


if __name__ == "__main__":
    sys.exit(main())
