"""A progress bar on a terminal (stderr), silent otherwise."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from tqdm import tqdm

from wirewatch.pipeline import IngestSummary


class ProgressBar:
    def __init__(self, label: str, *, enabled: bool) -> None:
        self._bar: tqdm[Any] | None = None
        if enabled:
            self._bar = tqdm(desc=label, unit="doc", dynamic_ncols=True, leave=True)

    def update(self, summary: IngestSummary) -> None:
        if self._bar is None:
            return
        self._bar.set_postfix(new=summary.new, dup=summary.duplicate, failed=summary.failed, refresh=False)
        self._bar.update(summary.seen - self._bar.n)  # redraws at most every 0.1 s

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.close()
