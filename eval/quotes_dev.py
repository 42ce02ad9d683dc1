#!/usr/bin/env python3
"""Who-said-what scoring of ``find_quotes`` on the quotation dev set.

    .venv/bin/python eval/quotes_dev.py [--data ../shared/data/quotes-dev/quotes-dev.jsonl] [--limit N]

runs the shared scorer (``../shared/tools/eval_quotes.py``) with ``predict`` below as the
system and prints the overlap who-said-what F1 of its subsets (plain and named) and the
articles per CPU-second.  The scorer can also be called directly::

    PYTHONPATH=. .venv/bin/python ../shared/tools/eval_quotes.py \\
        --data ../shared/data/quotes-dev/quotes-dev.jsonl --system eval.quotes_dev:predict

``WIREWATCH_PARSE_CACHE=FILE`` (development only) reads the spaCy parses from a pickle
made by ``--build-cache FILE``, so rule changes can be scored in seconds; throughput is
meaningless then.  The dev set is used to evaluate only, never to fit anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wirewatch.enrich.nlp import Paragraph, ParsedText, load_nlp, parse_texts  # noqa: E402
from wirewatch.enrich.quotes import find_quotes  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "quotes-dev" / "quotes-dev.jsonl"
SCORER = ROOT.parent / "shared" / "tools" / "eval_quotes.py"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


@cache
def _cache() -> dict[str, Any]:
    path = os.environ.get("WIREWATCH_PARSE_CACHE")
    if not path or not Path(path).exists():
        return {}
    with open(path, "rb") as f:
        return pickle.load(f)  # a file this script wrote


def _parsed(text: str) -> ParsedText | None:
    entry = _cache().get(_key(text))
    if entry is None:
        return None
    from spacy.tokens import DocBin

    starts, blob = entry
    docs = list(DocBin().from_bytes(blob).get_docs(load_nlp().vocab))
    return ParsedText(text, tuple(Paragraph(s, d) for s, d in zip(starts, docs, strict=True)))


def predict(text: str) -> list[dict[str, Any]]:
    """The scorer's system: article text in, quote dicts out."""
    out = []
    for q in find_quotes(text, parsed=_parsed(text)):
        sp = q.speaker
        out.append(
            {
                "quote_char_span": list(q.span),
                "kind": q.kind.value,
                "cue_text": q.cue,
                "speaker_text": sp.name if sp else None,
                "speaker_char_span": list(sp.span) if sp and sp.span else None,
                "speaker_canonical": sp.canonical if sp else None,
            }
        )
    return out


def build_cache(data: Path, out: Path) -> None:
    from spacy.tokens import DocBin

    texts = [json.loads(line)["text"] for line in data.open()]
    table = {}
    for text, parsed in zip(texts, parse_texts(texts), strict=True):
        bin_ = DocBin(docs=[p.doc for p in parsed.paragraphs])
        table[_key(text)] = ([p.start for p in parsed.paragraphs], bin_.to_bytes())
    with out.open("wb") as f:
        pickle.dump(table, f)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--out", type=Path, help="write the scorer's result JSON here")
    ap.add_argument("--errors", type=Path, help="write the scorer's error examples here")
    ap.add_argument("--build-cache", type=Path, help="parse the dev set once into this file and exit")
    args = ap.parse_args()
    if args.build_cache:
        build_cache(args.data, args.build_cache)
        return 0
    out = args.out or Path("/tmp/wirewatch-quotes-dev.json")
    cmd = [sys.executable, str(SCORER), "--data", str(args.data), "--system", "eval.quotes_dev:predict"]
    cmd += ["--out", str(out)] + (["--limit", str(args.limit)] if args.limit else [])
    cmd += ["--errors", str(args.errors)] if args.errors else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
    if done.returncode:
        return done.returncode
    print(summarise(json.loads(out.read_text())))
    return 0


def summarise(result: dict[str, Any]) -> str:
    """One line per figure: the five who-said-what F1s the gate pins, and the speed."""
    lines = []
    for subset in ("direct", "quoted", "speech", "all"):
        overlap = result["metrics"][subset]["overlap"]
        wsw, named, quotes = overlap["who_said_what"], overlap["who_said_what_named"], overlap["quotes"]
        lines.append(
            f"{subset:7} who_said_what F1 {wsw['f1']:.3f} (P {wsw['precision']:.3f} R {wsw['recall']:.3f})"
            f"  named {named['f1']:.3f}  quotes F1 {quotes['f1']:.3f}"
            f"  attribution {overlap['attribution_accuracy']:.3f}"
        )
    speed = result.get("throughput", {})
    lines.append(f"failures {result.get('system_failures')}  throughput {json.dumps(speed)}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
