#!/usr/bin/env python3
"""Story clustering: wirewatch's ``StoryClusterer`` against a TF-IDF single-pass anchor, in one run.

    .venv/bin/python benchmarks/bench_stories.py [--data ../shared/data/stories-dev] [--tools ../shared/tools]

Both systems get the same three streams of the stories dev set (ECB+, BASIL, GoogleNews),
one article at a time, a fresh instance per file, and must answer before the next article
(online).  Timed in CPU seconds (``time.process_time``) around each call; quality is the
shared scorer's B-cubed F1 (``eval_stories.score``) of the online answers.

The anchor is the issue's "TF-IDF single-pass clusterer with a 7-day window", written out
below (``TfidfSinglePass``): title and text lower-cased and split into words (a short
stop-word list out), ``(1 + log tf) * idf`` with document frequencies counted online, cosine
with each live cluster's centroid (the sum of its members' unit vectors), join the best
cluster at or above one threshold, else start a cluster.  Its threshold, 0.175, is its best
macro B-cubed F1 on this dev set among 0.10, 0.125, 0.15, 0.175, 0.20, 0.25, 0.30 (``--sweep`` reruns
that choice).  Prints F1 per file, articles per CPU-second, p95 latency, and the ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wirewatch.stories import StoryClusterer  # noqa: E402

FILES = ("ecbplus-dev.jsonl", "basil-dev.jsonl", "gnews-dev.jsonl")
ANCHOR_THRESHOLD = 0.175
WORD = re.compile(r"[a-z0-9]+")
_STOP = (
    "a an and are as at be been but by for from has have he her his in is it its of on or "
    "said says that the their they this to was were which who will with would"
)
STOP = frozenset(_STOP.split())


class TfidfSinglePass:
    """The anchor: single-pass TF-IDF clustering with a time window (see the module docstring)."""

    def __init__(self, threshold: float = ANCHOR_THRESHOLD, window_days: float = 7.0) -> None:
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self.df: Counter[str] = Counter()
        self.n = 0
        self.clusters: list[dict[str, Any]] = []

    def add(self, article: Mapping[str, Any]) -> str:
        words = [
            w
            for w in WORD.findall(f"{article.get('title') or ''} {article.get('text') or ''}".lower())
            if w not in STOP
        ]
        tf = Counter(words)
        self.n += 1
        self.df.update(tf.keys())
        vec = {t: (1 + math.log(c)) * math.log((self.n + 1) / (self.df[t] + 1)) + 0.0 for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        when = datetime.fromisoformat(str(article.get("published")).replace("Z", "+00:00"))
        best, best_sim = None, -1.0
        for cluster in self.clusters:
            if when - cluster["last"] > self.window:
                continue
            centroid = cluster["sum"]
            dot = sum(v * centroid.get(t, 0.0) for t, v in vec.items())
            sim = dot / (cluster["norm"] or 1.0)
            if sim > best_sim:
                best, best_sim = cluster, sim
        if best is None or best_sim < self.threshold:
            best = {"id": str(article["id"]), "sum": {}, "norm": 0.0, "last": when}
            self.clusters.append(best)
        for t, v in vec.items():
            best["sum"][t] = best["sum"].get(t, 0.0) + v
        best["norm"] = math.sqrt(sum(v * v for v in best["sum"].values()))
        best["last"] = max(best["last"], when)
        return str(best["id"])


def load_scorer(tools: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_stories", tools / "eval_stories.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(factory: Callable[[], Any], articles: list[dict[str, Any]], scorer: ModuleType) -> dict[str, float]:
    system = factory()
    pred: dict[str, str] = {}
    latencies: list[float] = []
    for article in articles:
        visible = scorer.visible(article)
        start = time.process_time()
        pred[article["id"]] = str(system.add(visible))
        latencies.append(time.process_time() - start)
    gold = {a["id"]: a["cluster"] for a in articles}
    scores = scorer.score(gold, pred)
    latencies.sort()
    total = sum(latencies)
    return {
        "p": scores["bcubed_p"],
        "r": scores["bcubed_r"],
        "f1": scores["bcubed_f1"],
        "speed": len(articles) / total if total else math.inf,
        "p95_ms": 1000 * latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/stories-dev"))
    parser.add_argument("--tools", default=str(ROOT.parent / "shared/tools"))
    parser.add_argument("--sweep", action="store_true", help="rerun the choice of the anchor's threshold")
    args = parser.parse_args()
    scorer = load_scorer(Path(args.tools))
    streams = {name: scorer.read_jsonl(str(Path(args.data) / name)) for name in FILES}

    if args.sweep:
        for threshold in (0.10, 0.125, 0.15, 0.175, 0.20, 0.25, 0.30):
            f1s = [
                run(lambda t=threshold: TfidfSinglePass(t), arts, scorer)["f1"] for arts in streams.values()
            ]
            print(
                f"anchor threshold {threshold:.3f}: macro B3 F1 {sum(f1s) / len(f1s):.4f}",
                [round(f, 4) for f in f1s],
            )
        return 0

    systems: dict[str, Callable[[], Any]] = {
        "wirewatch StoryClusterer": StoryClusterer,
        f"TF-IDF single pass, 7 days, threshold {ANCHOR_THRESHOLD}": TfidfSinglePass,
    }
    results: dict[str, dict[str, dict[str, float]]] = {name: {} for name in systems}
    for file, articles in streams.items():
        for name, factory in systems.items():  # in turn, on the same stream
            results[name][file] = run(factory, articles, scorer)
    for name, per_file in results.items():
        print(name)
        for file, r in per_file.items():
            print(
                f"  {file:<18} B3 P/R/F1 {r['p']:.4f} {r['r']:.4f} {r['f1']:.4f}  "
                f"{r['speed']:7.0f} articles/CPU-s  p95 {r['p95_ms']:.2f} ms"
            )
        macro = sum(r["f1"] for r in per_file.values()) / len(per_file)
        print(f"  macro B3 F1 {macro:.4f}")
    ours, anchor = (results[name] for name in systems)
    print("ratios wirewatch / anchor")
    for file in FILES:
        print(
            f"  {file:<18} F1 {ours[file]['f1'] / anchor[file]['f1']:.3f}  "
            f"speed {ours[file]['speed'] / anchor[file]['speed']:.2f}x  "
            f"p95 {ours[file]['p95_ms'] / anchor[file]['p95_ms']:.2f}x"
        )
    print(
        json.dumps(
            {
                n: {f: {k: round(v, 4) for k, v in r.items()} for f, r in pf.items()}
                for n, pf in results.items()
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
