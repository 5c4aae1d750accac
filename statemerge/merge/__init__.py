"""The pure three-way merge: plain JSON values in, a merged value and conflicts out."""

from statemerge.merge.conflicts import Conflict, Resolution
from statemerge.merge.rules import RuleSet, parse_rules
from statemerge.merge.threeway import MergeResult, merge
from statemerge.merge.values import ABSENT

__all__ = ["ABSENT", "Conflict", "MergeResult", "Resolution", "RuleSet", "merge", "parse_rules"]
