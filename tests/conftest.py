"""Shared test configuration: where the bundled fixtures are."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The repository's fixtures/ folder."""
    return FIXTURES
