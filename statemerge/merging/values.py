"""JSON values as the merge sees them, re-exported from `statemerge.jsonvalue` (shared with the
document readers): ABSENT (a key or element that is not there), JSON equality (`same`), identity
keys (`identity`) and YAML's atoms (`Alias`, `Tagged`).
"""

from __future__ import annotations

from statemerge.jsonvalue import ABSENT, Alias, Tagged, identity, json_default, same
from statemerge.jsonvalue import canonical_value as canonical

# Equality and YAML's atoms live in jsonvalue (shared with the readers); re-exported for the merge.
__all__ = ["ABSENT", "Alias", "Tagged", "canonical", "identity", "json_default", "same"]
