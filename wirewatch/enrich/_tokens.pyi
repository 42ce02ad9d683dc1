"""Types of the compiled token writer (``_tokens.pyx``)."""

from collections.abc import Sequence
from typing import Any

def write_token_attrs(doc: Any, outcomes: list[Sequence[tuple[int, int]]], attr_ids: list[int]) -> None: ...
