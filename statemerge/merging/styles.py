"""How the conflicts a merge leaves are written (merge.md): the one list the CLI and its options
use. A leaf module, so that the CLI can name the styles without loading the merge."""

from __future__ import annotations

from typing import Literal

ConflictStyle = Literal["markers", "object", "ours", "theirs"]
CONFLICT_STYLES: tuple[ConflictStyle, ...] = ("markers", "object", "ours", "theirs")
