"""The pure three-way merge: plain JSON values in, a merged value and conflicts out."""

from statemerge.merging.conflicts import Conflict, Resolution
from statemerge.merging.rules import RuleSet, parse_rules
from statemerge.merging.threeway import MergeResult, merge
from statemerge.merging.values import ABSENT

__all__ = ["ABSENT", "Conflict", "MergeResult", "Resolution", "RuleSet", "merge", "parse_rules"]
