"""Shared test configuration: where the bundled fixtures are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# merge_texts raises the limit for deep documents; raise it once here so hypothesis does not
# warn that a test changed it.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The repository's fixtures/ folder."""
    return FIXTURES
