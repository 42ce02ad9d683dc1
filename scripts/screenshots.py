#!/usr/bin/env python3
"""Screenshots of the live, article, speaker and story pages, at desktop and phone widths.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]   (``make screenshots``)

Ingests the bundled news into a temporary database, starts ``wirewatch run`` on it, and
photographs the pages in Debian's headless Chromium (the browser tests' set-up).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import urllib.request
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.browser import chromium  # noqa: E402
from tests.support.cli import run_cli  # noqa: E402
from tests.support.live import LIVE_ENV, LiveProcess  # noqa: E402

SIZES = {"desktop": (1280, 900, False), "phone": (390, 844, True)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(str(resources.files("wirewatch") / "demo_data"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shots.db"
        for name in ("news-23pages.warc.gz", "nato-stoltenberg-page.txt"):
            result = run_cli(["ingest", str(data / name), "--db", str(db)], env=LIVE_ENV, timeout=600)
            assert result.code == 0, result.stderr
        with LiveProcess(db) as live:
            with urllib.request.urlopen(live.base + "/search?q=speaker%3Astoltenberg", timeout=20) as reply:  # noqa: S310
                page = reply.read().decode()
            article = re.search(r'href="/articles/(\d+)"', page)
            assert article
            with urllib.request.urlopen(f"{live.base}/articles/{article.group(1)}", timeout=20) as reply:  # noqa: S310
                page = reply.read().decode()
            speaker = re.search(r'href="/speakers/(\d+)"', page)
            story = re.search(r'href="/stories/(\d+)"', page)
            assert speaker and story
            paths = {
                "live": "/",
                "article": f"/articles/{article.group(1)}",
                "speaker": f"/speakers/{speaker.group(1)}",
                "story": f"/stories/{story.group(1)}",
            }
            for size, (width, height, mobile) in SIZES.items():
                with chromium(width, height, mobile=mobile) as driver:
                    for name, path in paths.items():
                        driver.get(live.base + path)
                        target = args.out / f"{name}-{size}.png"
                        driver.save_screenshot(str(target))
                        print(target)


if __name__ == "__main__":
    main()
