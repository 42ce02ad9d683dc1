"""WARC reading speed: fastwarc (what wirewatch uses) against warcio, in one run.

Both read the demo archive (23 real news pages, per-record gzip like CC-NEWS) from
memory N times and read every response payload; the figure is response records per
second and the ratio.  Usage: ``python benchmarks/bench_warc.py [N]`` (default 20).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator as WarcioIterator

from wirewatch.model import RawDocument
from wirewatch.sources import read_warc

DEMO = Path(__file__).resolve().parents[1] / "tests" / "cases" / "sources" / "demo-news-23pages.warc.gz"


def with_fastwarc(data: bytes) -> int:
    count = 0
    for record in FastIterator(io.BytesIO(data), record_types=WarcRecordType.response, parse_http=True):
        record.reader.read()
        count += 1
    return count


def with_warcio(data: bytes) -> int:
    count = 0
    for record in WarcioIterator(io.BytesIO(data)):
        if record.rec_type == "response":
            record.content_stream().read()
            count += 1
    return count


def with_read_warc(data: bytes) -> int:
    return sum(isinstance(d, RawDocument) for d in read_warc(io.BytesIO(data), location="bench"))


def measure(reader: Callable[[bytes], int], data: bytes, rounds: int) -> float:
    reader(data)  # warm up
    started = time.perf_counter()
    records = sum(reader(data) for _ in range(rounds))
    return records / (time.perf_counter() - started)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    data = DEMO.read_bytes()
    print(f"{DEMO.name}: {len(data) / 1e6:.2f} MB, {with_warcio(data)} responses, {rounds} rounds")
    fast = measure(with_fastwarc, data, rounds)
    ours = measure(with_read_warc, data, rounds)
    slow = measure(with_warcio, data, rounds)
    print(f"fastwarc             {fast:9.0f} records/s")
    print(f"wirewatch read_warc  {ours:9.0f} records/s")
    print(f"warcio               {slow:9.0f} records/s")
    print(f"fastwarc / warcio    {fast / slow:9.2f}x")
    print(f"read_warc / warcio   {ours / slow:9.2f}x")


if __name__ == "__main__":
    main()
