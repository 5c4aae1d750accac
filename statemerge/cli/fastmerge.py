"""`statemerge merge` without Typer, for plain invocations (git and scripts call it often).

Understands exactly the options of the Typer command; on anything else (help, a typo, a bad
value) it returns None and Typer handles the call, with its usual messages.
"""

from __future__ import annotations

from statemerge.cli.mergerun import MergeRequest, run_merge

_VALUED = {
    "-o": "output", "--output": "output", "--format": "fmt", "--rules": "rules",
    "--conflict": "conflict", "-L": "labels", "--label": "labels",
    "--marker-size": "marker_size", "--report-json": "report_json",
}
_FLAGS = {"--diff3": "diff3", "-q": "quiet", "--quiet": "quiet"}


def parse_merge_args(args: list[str]) -> MergeRequest | None:
    """A MergeRequest for plain arguments, or None when Typer should handle them."""
    positional: list[str] = []
    fields: dict[str, object] = {}
    labels: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        name, equals, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _VALUED:
            if equals:
                value = inline
            elif index + 1 < len(args):
                index += 1
                value = args[index]
            else:
                return None
            if _VALUED[name] == "labels":
                labels.append(value)
            elif _VALUED[name] == "marker_size":
                if not value.isdigit():
                    return None
                fields["marker_size"] = int(value)
            else:
                fields[_VALUED[name]] = value
        elif name in _FLAGS and not equals:
            fields[_FLAGS[name]] = True
        elif word.startswith("-") and word != "-":
            return None
        else:
            positional.append(word)
        index += 1
    if len(positional) != 3 or fields.get("conflict", "markers") not in (
        "markers", "object", "ours", "theirs"
    ) or fields.get("fmt", "json") not in ("json", "yaml"):
        return None
    return MergeRequest(positional[0], positional[1], positional[2], labels=tuple(labels),
                        **fields)  # type: ignore[arg-type]


def fast_merge(args: list[str]) -> int | None:
    """Run a plain `merge` call; None when Typer should handle the arguments."""
    request = parse_merge_args(args)
    return None if request is None else run_merge(request)
