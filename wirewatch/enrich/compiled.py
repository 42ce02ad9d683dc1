"""The enrich stage's compiled modules (``_*.pyx``, built at install by ``setup.py``).

Each is optional: ``compiled(name)`` is the module, or None where it was not built (no
compiler at install), and its caller then runs the same steps from Python.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["compiled"]


def compiled(name: str) -> ModuleType | None:
    """``wirewatch.enrich.<name>``, or None when it was not built."""
    try:
        return importlib.import_module(f"wirewatch.enrich.{name}")
    except ImportError:  # pragma: no cover - a build without a compiler
        return None
