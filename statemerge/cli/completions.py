"""Shell completion scripts generated from the Typer app: `make completions` writes them to
completions/ (bash, zsh, fish); a test checks that the committed ones are current."""

from __future__ import annotations

import sys
from pathlib import Path

SHELLS = {"bash": "statemerge.bash", "zsh": "_statemerge", "fish": "statemerge.fish"}
PROG = "statemerge"
COMPLETE_VAR = "_STATEMERGE_COMPLETE"


def script(shell: str) -> str:
    """The completion script for one shell."""
    from typer._completion_shared import get_completion_script

    import statemerge.cli.app  # noqa: F401  (registers the commands the scripts complete)

    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell).rstrip(
        "\n") + "\n"


def write_all(folder: Path) -> None:
    """Write every shell's script into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for shell, name in SHELLS.items():
        (folder / name).write_text(script(shell))


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "completions"))
