"""Running one YAML merge in-process and checking it as both readers see it."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from readers import read11, read12

from statemerge.mergefile import MergeOptions, MergeOutcome, merge_texts
from statemerge.merging.threeway import merge


def run_merge(base: str, ours: str, theirs: str, **options: Any) -> MergeOutcome:
    """statemerge's merge of three YAML texts."""
    return merge_texts(base.encode(), ours.encode(), theirs.encode(),
                       names=("base.yaml", "ours.yaml", "theirs.yaml"),
                       options=MergeOptions(path_hint="ours.yaml", **options))


def git_merge(base: str, ours: str, theirs: str) -> tuple[int, str]:
    """`git merge-file -p` of the same texts: (exit code, output)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / f"{name}.yaml"
            path.write_text(text)
            paths.append(str(path))
        done = subprocess.run(["git", "merge-file", "-p", *paths], capture_output=True,
                              check=False)
    return done.returncode, done.stdout.decode()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_plain(child) for child in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def assert_readers_see_the_merge(base: str, ours: str, theirs: str, output: str) -> None:
    """Each reader (1.1 and 1.2) sees in the output exactly the merge of what it sees in the
    inputs: no scalar changed type or value on the way."""
    for read in (read11, read12):
        sides = [_plain(read(text)) for text in (base, ours, theirs)]
        if all(len(documents) == 1 for documents in sides):
            sides = [documents[0] for documents in sides]
        expected = merge(*sides)
        assert expected.clean, expected.conflicts
        seen = _plain(read(output))
        assert (seen if len(seen) != 1 or not isinstance(expected.value, dict) else seen[0]) == (
            expected.value), read.__name__
