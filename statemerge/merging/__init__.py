"""The pure three-way merge: plain JSON values in, a merged value and conflicts out.

Its names load on first use (PEP 562), so that a command naming only a leaf module (the
conflict styles) does not load the whole merge.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statemerge.merging.conflicts import Conflict, Resolution
    from statemerge.merging.rules import RuleSet, parse_rules
    from statemerge.merging.threeway import MergeResult, merge
    from statemerge.merging.values import ABSENT

_HOMES = {"Conflict": "conflicts", "Resolution": "conflicts", "RuleSet": "rules",
          "parse_rules": "rules", "MergeResult": "threeway", "merge": "threeway",
          "ABSENT": "values"}

__all__ = ["ABSENT", "Conflict", "MergeResult", "Resolution", "RuleSet", "merge", "parse_rules"]


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(f"statemerge.merging.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'statemerge.merging' has no attribute {name!r}")
