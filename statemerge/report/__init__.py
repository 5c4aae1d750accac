"""Rendering for people and machines: the only package that imports rich and deepdiff.

One module per command family: `merge` (the conflict report), `diff`, `check`, `log` and `store`
(contention stats). Each imports rich inside the functions that draw, so a command that prints
nothing fancy never loads it, and prints through `verbatim_console`, so values from files are
never read as rich markup. `crdt` commands print plain JSON/YAML and need none.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def verbatim_console(
    file: IO[str] | None = None, *, stderr: bool = False, width: int | None = None
) -> Console:
    """A rich Console that prints strings as they are: `[bot]`, `[/]` and `:smile:` stay text.

    Styles are given as `style=` or `Text` spans, never as markup inside a string.
    """
    from rich.console import Console

    return Console(
        file=file, stderr=stderr, width=width, markup=False, emoji=False, highlight=False
    )
