"""Speaker resolution on the dev set, with the *gold* speaker mentions (dev measurement only).

For each gold quote with a speaker span, build a Quote whose Speaker carries the gold
mention, run ``resolve_speakers`` and compare the canonical with the silver
``speaker_canonical`` by the scorer's own name rule (titles and pronouns dropped, token
subset).  Nothing here is fitted: the rules in ``wirewatch/enrich/resolve.py`` are by hand.

    .venv/bin/python eval/resolve_dev.py [--limit N] [--show KIND]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "tools"))
sys.path.insert(0, str(ROOT))

from eval_quotes import names_match  # noqa: E402

from wirewatch.enrich.nlp import parse_texts  # noqa: E402
from wirewatch.enrich.resolve import PRONOUN_GENDER, resolve_speakers  # noqa: E402
from wirewatch.model import Quote, QuoteKind, Speaker  # noqa: E402


def mention_type(text: str) -> str:
    word = text.strip().lower()
    if word in PRONOUN_GENDER or word in {"i", "we", "they", "it", "them", "their", "its", "our", "my"}:
        return "pronoun"
    if any(t[:1].isupper() for t in text.split()[1:]) or (text[:1].isupper() and not word.startswith("the ")):
        return "name"
    return "role"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(SHARED / "data/quotes-dev/quotes-dev.jsonl"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", default="")
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines]
    if args.limit:
        articles = articles[: args.limit]
    stats: Counter[tuple[str, str]] = Counter()
    for article, parsed in zip(articles, parse_texts(a["text"] for a in articles), strict=True):
        gold = [q for q in article["quotes"] if q.get("speaker_char_span")]
        quotes = [
            Quote(
                q["quote_text"],
                QuoteKind(q["kind"]),
                tuple(q["quote_char_span"]),
                speaker=Speaker(q["speaker_text"], span=tuple(q["speaker_char_span"])),
            )
            for q in gold
        ]
        for g, q in zip(gold, resolve_speakers(parsed, quotes), strict=True):
            kind = mention_type(g["speaker_text"])
            got = q.speaker.canonical if q.speaker else None
            want = g.get("speaker_canonical")
            if not want:
                stats[kind, "gold none, we none" if got is None else "gold none, we name"] += 1
                continue
            verdict = "none" if got is None else ("right" if names_match(got, want) else "wrong")
            stats[kind, verdict] += 1
            if args.show and args.show in (kind, verdict, f"{kind}:{verdict}") and verdict != "right":
                print(
                    f"{article['id'][7:30]} {kind:8} {verdict:6} {g['speaker_text']!r:32} "
                    f"gold={want!r:28} got={got!r}"
                )
    print(f"{'mention':8} {'n':>6} {'right':>7} {'wrong':>7} {'none':>7}   (where a silver canonical exists)")
    for kind in ("name", "pronoun", "role", "all"):
        kinds = ("name", "pronoun", "role") if kind == "all" else (kind,)
        n = {v: sum(stats[k, v] for k in kinds) for v in ("right", "wrong", "none")}
        total = sum(n.values()) or 1
        print(f"{kind:8} {total:6} " + " ".join(f"{n[v] / total:7.3f}" for v in ("right", "wrong", "none")))
    for kind in ("name", "pronoun", "role"):
        print(
            kind,
            "no silver canonical:",
            stats[kind, "gold none, we none"],
            "we none;",
            stats[kind, "gold none, we name"],
            "we named someone",
        )


if __name__ == "__main__":
    main()
