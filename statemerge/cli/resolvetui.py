"""The interactive resolver (`statemerge resolve -i`): placeholder until written."""

from __future__ import annotations

from statemerge.merging.answers import Answer
from statemerge.merging.conflicts import Conflict


def walk(path: str, conflicts: list[Conflict]) -> dict[str, Answer]:
    """Ask for each conflict's answer in the terminal; the answers given, by conflict id."""
    return {}
