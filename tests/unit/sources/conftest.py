"""Shared helpers: the real cases under tests/cases/sources, and hostile documents."""

from __future__ import annotations

from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[2] / "cases" / "sources"


def case(name: str) -> bytes:
    return (CASES / name).read_bytes()


def billion_laughs(root: str, body: str, *, one_line: bool, depth: int = 9) -> bytes:
    """A "billion laughs" document: &lolN; expands to 3 * 10**N characters if let.

    Depth 5 stays under expat's amplification guard (which only starts at 8 MiB), so
    feedparser on its own really does give 300,000-character titles from it.
    """
    sep = "" if one_line else "\n"
    entities = "".join(f'{sep}<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, depth + 1))
    doctype = f'<!DOCTYPE {root} [{sep}<!ENTITY lol0 "lol">{entities}{sep}]>'
    return f'<?xml version="1.0"?>{sep}{doctype}{sep}{body}'.encode()


@pytest.fixture
def cases() -> Path:
    return CASES
