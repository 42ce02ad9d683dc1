#!/usr/bin/env python3
"""Extraction quality gate: token1 / shingle4 F1 of ``extract_article`` on the dev set.

    .venv/bin/python eval/extraction_gate.py [--data ../shared/data/extraction-dev] [--limit N]

Uses the shared scorer (``../shared/tools/eval_extraction.py``), prints the F1s and pages
per CPU-second, and exits 1 when either F1 is below the floor pinned in
``eval/floors.json`` (key "extraction").  The floor only changes by editing that file: a
lower measurement never lowers it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wirewatch.errors import ExtractError  # noqa: E402
from wirewatch.extract import extract_article  # noqa: E402


def article_text(html: str, url: str | None = None) -> str:
    """The scorer's callable shape: HTML in, article text out ("" when none found)."""
    try:
        return extract_article(html, url or None, media_type="text/html").text
    except ExtractError:
        return ""


def load_scorer(tools: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(tools))
    import eval_extraction  # type: ignore[import-not-found]

    return eval_extraction


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "extraction-dev")
    ap.add_argument("--tools", type=Path, default=ROOT.parent / "shared" / "tools")
    ap.add_argument("--floors", type=Path, default=ROOT / "eval" / "floors.json")
    ap.add_argument("--limit", type=int, help="only the first N pages (a smoke run; the gate still applies)")
    args = ap.parse_args(argv)

    scorer = load_scorer(args.tools)
    _, pages = scorer.load_dataset(args.data, limit=args.limit)
    preds, errors, _wall, cpu = scorer.run_extractor(article_text, pages, timeout=60.0, in_process=True)
    result, _ = scorer.evaluate(pages, preds, n_boot=0)
    token1, shingle4 = result["token1"]["f1"], result["shingle4"]["f1"]
    floor = json.loads(args.floors.read_text("utf-8"))["extraction"]
    print(f"pages {len(pages)}  errors {len(errors)}")
    print(f"token1   F1 {token1:.4f}  (floor {floor['token1']})")
    print(f"shingle4 F1 {shingle4:.4f}  (floor {floor['shingle4']})")
    print(f"pages per CPU-second {len(pages) / cpu if cpu else float('inf'):.1f}")
    failed = [name for name, value in (("token1", token1), ("shingle4", shingle4)) if value < floor[name]]
    if failed:
        print(f"FAIL: {', '.join(failed)} below the pinned floor", file=sys.stderr)
        return 1
    print("ok: at or above the pinned floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
