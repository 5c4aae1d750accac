"""statemerge: resolve state conflicts in JSON/YAML state files."""

from __future__ import annotations

__version__ = "0.1.0"
