"""`statemerge crdt new|apply|value|merge`: CRDT nodes as whole files or inside state files.

Whole-node files and merge outputs are written canonically (sorted keys, two-space indent for
JSON; sorted block YAML), so equal states are equal bytes whatever order the inputs came in. A
node inside a larger state file is rewritten in that file's own layout. Every write is atomic.
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled

if TYPE_CHECKING:
    from statemerge.documents import Format

group = typer.Typer(
    help="CRDT state that never conflicts: counters, sets, registers, maps, lists.\n\n"
    "Example: statemerge crdt new g-counter -o runs.json",
    no_args_is_help=True,
)

TYPES = "g-counter, pn-counter, g-set, 2p-set, or-set, lww-register, mv-register, or-map, rga"


class Fmt(StrEnum):
    """A document format."""

    json = "json"
    yaml = "yaml"


FormatOpt = Annotated[
    Fmt | None, typer.Option("--format", help="json or yaml (default: by file extension).")
]
AtOpt = Annotated[
    str, typer.Option("--at", help="JSON Pointer of the node inside a larger state file.")
]


WIDTH = 100


def render_canonical(value: Any, fmt: Format) -> bytes:
    """A whole file written canonically: equal values give equal bytes.

    JSON: sorted keys, two-space indent, and any array or object that fits in WIDTH columns on
    one line (an or-set element with its dots, a counter's entries), so a change is a line.
    """
    if fmt == "yaml":
        from statemerge.documents.yamlwrite import YamlStyle, dump_yaml, sorted_keys

        return dump_yaml(sorted_keys(value), YamlStyle(flow_width=WIDTH)).encode()
    from statemerge.jsonvalue import escape_surrogates

    return (escape_surrogates(pretty_json(value)) + "\n").encode()


def pretty_json(value: Any, indent: int = 0, *, sort_keys: bool = True) -> str:
    """JSON with a two-space indent where a container does not fit on one line."""
    if isinstance(value, dict | list) and len(value) * 3 + indent <= WIDTH:
        flat = json.dumps(value, sort_keys=sort_keys, ensure_ascii=False, separators=(", ", ": "))
        if len(flat) + indent <= WIDTH:
            return flat
    deeper = indent + 2
    pad = " " * deeper
    if isinstance(value, dict) and value:
        keys = sorted(value) if sort_keys else list(value)
        fields = [
            f"{pad}{json.dumps(key, ensure_ascii=False)}: "
            + pretty_json(value[key], deeper, sort_keys=sort_keys)
            for key in keys
        ]
        return "{\n" + ",\n".join(fields) + "\n" + " " * indent + "}"
    if isinstance(value, list) and value:
        items = [pad + pretty_json(item, deeper, sort_keys=sort_keys) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _format(path: str, fmt: Fmt | None) -> Format:
    from statemerge.documents import detect_format

    return detect_format(path, fmt.value if fmt else None)


def _node_at(document: Any, path: str, pointer: str) -> Any:
    """The node at `pointer` in a file's document, or a clear error."""
    from statemerge import crdt
    from statemerge.errors import InputError, PatchError
    from statemerge.pointer import resolve

    try:
        node = resolve(document, pointer)
    except PatchError as error:
        raise InputError(f"{path}: {error.message}") from None
    if not crdt.is_node(node):
        where = f"at {pointer!r}" if pointer else "at the root"
        found = [at or "/" for at, _ in crdt.nodes(document)][:5]
        hint = f"; nodes are at: {', '.join(found)}" if found else ""
        raise InputError(f"{path} {where}: not a CRDT node (give --at POINTER{hint}).")
    return node


@group.command("new")
def new(
    tag: Annotated[str, typer.Argument(metavar="TYPE", help=f"One of: {TYPES}.")],
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", metavar="FILE", help="Write here (atomically), not stdout."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Print (or write) an empty node of TYPE.

    Example: statemerge crdt new or-set -o alice.json
    """
    with handled():
        from statemerge import crdt
        from statemerge.documents import write_atomic
        from statemerge.errors import UsageError

        node = crdt.new(tag)
        if output is None:
            sys.stdout.buffer.write(render_canonical(node, _format("-", fmt)))
            return
        if os.path.exists(output) and not force:
            raise UsageError(f"{output}: already exists (give --force to overwrite it).")
        write_atomic(output, render_canonical(node, _format(str(output), fmt)))


@group.command("apply", context_settings={"ignore_unknown_options": True})
def apply(
    file: Annotated[str, typer.Argument(help="A node file, or a state file holding the node.")],
    op: Annotated[str, typer.Argument(help="The operation, e.g. inc, add, remove, set, put.")],
    words: Annotated[
        list[str] | None, typer.Argument(metavar="ARG...", help="JSON values, e.g. 5 '\"x\"'.")
    ] = None,
    replica: Annotated[
        str | None,
        typer.Option("--replica", envvar="STATEMERGE_REPLICA", help="Who applies it (unique)."),
    ] = None,
    at: AtOpt = "",
    fmt: FormatOpt = None,
) -> None:
    """Apply OP to the node in FILE as replica ID, rewriting FILE atomically.

    Example: statemerge crdt apply alice.json --replica alice add '"lint"'
    """
    with handled():
        from statemerge import crdt
        from statemerge.documents import read_bytes, write_atomic
        from statemerge.documents.layout import parse_document
        from statemerge.errors import UsageError

        if not replica:
            raise UsageError("crdt apply needs --replica ID (or $STATEMERGE_REPLICA).")
        path = str(file)
        fmt_of_file = _format(path, fmt)
        document = parse_document(read_bytes(path), path, fmt_of_file)
        node = _node_at(document.value, path, at)
        args = crdt.parse_arguments(node, op, words or [], source=path, pointer=at)
        now = time.time_ns() // 1000
        changed = crdt.apply(
            node, op, args, replica=replica, now_micros=now, source=path, pointer=at
        )
        if not at:
            write_atomic(path, render_canonical(changed, fmt_of_file))
        else:
            rewritten = crdt.replace_at(document.value, at, changed)
            write_atomic(path, document.render(rewritten).encode())


@group.command("value")
def value(
    file: Annotated[str, typer.Argument(help="A node file or a state file holding nodes.")],
    at: AtOpt = "",
    fmt: FormatOpt = None,
) -> None:
    """Print the plain JSON value: every node replaced by its value.

    Example: statemerge crdt value team.json
    """
    with handled():
        from statemerge import crdt
        from statemerge.documents import read_value
        from statemerge.errors import InputError, PatchError
        from statemerge.pointer import resolve

        path = str(file)
        document = read_value(path, fmt.value if fmt else None)
        try:
            part = resolve(document, at)
        except PatchError as error:
            raise InputError(f"{path}: {error.message}") from None
        shown = crdt.value_of(part, source=path, pointer=at)
        sys.stdout.write(pretty_json(shown, sort_keys=False) + "\n")


@group.command("merge")
def merge(
    files: Annotated[list[str], typer.Argument(help="Node files, or state files with nodes.")],
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", metavar="FILE", help="Write here (atomically), not stdout."),
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Join N files: nodes at one path join; everything else must be equal. Order-independent.

    Example: statemerge crdt merge alice.json bob.json -o team.json
    """
    with handled():
        from statemerge import crdt
        from statemerge.documents import read_value, write_atomic

        sources = [str(file) for file in files]
        documents = [read_value(source, fmt.value if fmt else None) for source in sources]
        joined = crdt.join_documents(documents, sources)
        if fmt is not None or output is not None:
            out_format = _format(str(output or "-"), fmt)
        else:
            formats = {_format(source, None) for source in sources}
            out_format = "yaml" if formats == {"yaml"} else "json"
        data = render_canonical(joined, out_format)
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            write_atomic(output, data)


def register(app: typer.Typer) -> None:
    """Add the `crdt` command group to the application."""
    app.add_typer(group, name="crdt")
