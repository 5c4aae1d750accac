"""Writing a merged value into ours' TOML text statement by statement, keeping the exact bytes of
what did not change.

A key/value, a `[table]` or an `[[array]]` entry ours has and the merge kept is copied as it was
(comments, layout); a changed value is rewritten between its `=` and its end-of-line comment; a
deleted one goes with the comment lines directly above it (unless ours wrote those since base);
one theirs added is copied from theirs' text with the comment lines directly above it, its
end-of-line comment, and for a table or entry, every line of it. Anything else (a value only a
rule made, a table defined by dotted keys in its parent) raises `Unplaced`: the caller writes
the whole document another way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from statemerge.documents.tomlscan import Address, Layout, Statement
from statemerge.jsonvalue import identity, record_key, same


class Unplaced(Exception):
    """The merged value has a change this writer does not place."""


Render = Callable[[str, Any, Any], str]  # ours' value text, its value, the new value -> text


class TomlWriter:
    """`write(old, new)`: ours' text (holding `old`) with `new` in it. `render` writes a changed
    value, `entry` a `key = value` line no side wrote; `peer`: theirs' text and value; `base`:
    base's text, to tell comments ours wrote from those it inherited."""

    def __init__(self, text: str, render: Render, entry: Callable[[str, Any], str],
                 peer: tuple[str, Any] | None = None, base: str | None = None) -> None:
        self.ours = Layout(text)
        self.render, self.entry = render, entry
        self.peer = Layout(peer[0], self.ours) if peer is not None else None
        self.peer_value = peer[1] if peer is not None else None
        self.base_text = base
        self._base: Layout | None = None  # read when a deletion needs it
        self.edits: list[tuple[int, int, int, str]] = []  # start, end, order, text

    def write(self, old: Any, new: Any) -> str:
        peer = self.peer_value if isinstance(self.peer_value, dict) else None
        self._table((), old, new, () if peer is not None else None, peer)
        text = self.ours.text
        deleted = [(start, end) for start, end, _, written in self.edits if end > start]
        edits = []
        for start, end, order, written in self.edits:
            inside = [low for low, high in deleted if low < start < high] if start == end else []
            if inside:  # an insert inside a deletion goes before it, its blank lines below
                start = end = min(inside)
                body = written.lstrip("\n")
                written = body + "\n" * (len(written) - len(body))
            edits.append((start, end, order, written))
        out, cursor = [], 0
        for start, end, _, replacement in sorted(edits):
            if start < cursor:
                if start == end or end > cursor:
                    raise Unplaced("edits overlap")
                continue  # inside a range already deleted
            out.append(text[cursor:start])
            out.append(replacement)
            cursor = end
        out.append(text[cursor:])
        return "".join(out)

    def _edit(self, start: int, end: int, text: str, section: bool = False) -> None:
        # at one place: keys inserted, then tables and entries, then a deletion; in the order made
        order = len(self.edits) + (1 << 30 if section else 0) if start == end else 1 << 40
        self.edits.append((start, end, order, text))

    # -- tables ----------------------------------------------------------------------------------

    def _table(self, here: Address, old: dict[str, Any], new: dict[str, Any],
               there: Address | None, peer: dict[str, Any] | None) -> None:
        """Make the table at `here` (theirs: at `there`, holding `peer`) hold `new`."""
        if not new and here and self.ours.find(here) is None:
            raise Unplaced(f"{here}: an empty table ours wrote without a header")
        for key, before in old.items():
            if key not in new:
                self._delete((*here, key))
                continue
            after = new[key]
            if same(before, after):
                continue
            address = (*here, key)
            theirs = peer.get(key) if peer is not None else None
            inner = (*there, key) if there is not None and peer is not None and (
                key in peer) else None
            statement = self.ours.find(address)
            if statement is not None and statement.kind == "key":
                self._replace(statement, before, after, inner)
            elif statement is None and address in self.ours.arrays and isinstance(
                    before, list) and isinstance(after, list) and after and all(
                    isinstance(item, dict) for item in after):
                self._entries(address, before, after, inner, theirs)
            elif isinstance(before, dict) and isinstance(after, dict) and (
                    statement is None or statement.kind == "table"):
                self._table(address, before, after, inner,
                            theirs if isinstance(theirs, dict) else None)
            else:
                raise Unplaced(f"{address}")
        for key, after in new.items():
            if key not in old:
                self._add(here, key, after, there, peer)

    def _replace(self, statement: Statement, before: Any, after: Any,
                 there: Address | None) -> None:
        """A changed value, written between ours' `=` and end-of-line comment."""
        text = self.ours.text
        theirs = self.peer.find(there) if self.peer is not None and there is not None else None
        if theirs is not None and theirs.kind == "key" and self.peer is not None and same(
                self._peer_at(there), after):
            written = self.peer.text[theirs.value_start:theirs.value_end]
        else:
            written = self.render(text[statement.value_start:statement.value_end], before, after)
        self._edit(statement.value_start, statement.value_end, written)

    def _peer_at(self, address: Address | None) -> Any:
        value: Any = self.peer_value
        for step in address or ():
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def _delete(self, address: Address) -> None:
        """Every statement of a value the merge dropped, with its comment lines above."""
        for statement in self.ours.under(address):
            lead = statement.lead
            if lead < statement.start and self._ours_commented(statement):
                lead = statement.start
            if statement.kind == "key":
                self._edit(lead, statement.end, "")
                continue
            end = self.ours.section_end(statement)
            if end == len(self.ours.text):  # the last section: the blank lines above it too
                lead = _gap(self.ours.text, lead)
            self._edit(lead, end, "")

    def _ours_commented(self, statement: Statement) -> bool:
        """Whether ours wrote the comment lines above a statement since base."""
        if self.base_text is None:
            return False
        if self._base is None:
            self._base = Layout(self.base_text, self.ours)
        was = self._base.find(statement.address)
        if was is None:
            return True
        text = self.ours.text
        return text[statement.lead:statement.start] != self._base.text[was.lead:was.start]

    def _add(self, here: Address, key: str, value: Any, there: Address | None,
             peer: dict[str, Any] | None) -> None:
        """A key ours did not have: theirs' statements for it when theirs holds the value."""
        address = (*here, key)
        if self.peer is None or there is None or peer is None or key not in peer or not same(
                peer[key], value):
            if isinstance(value, dict) or (isinstance(value, list) and any(
                    isinstance(item, dict) for item in value)):
                raise Unplaced(f"{address}: a table no side wrote")
            text = self.entry(key, value)
            mine = self.ours.keys_of(here)
            position = mine[-1].end if mine else self._after_header(here)
            self._edit(position, position, _ended(text, self.ours.text, position))
            return
        source = (*there, key)
        statements = self.peer.under(source)
        if not statements:
            raise Unplaced(f"{address}: theirs does not write it")
        for statement in statements:
            if statement.kind != "key":
                self._insert_section(here, statement, there, source)
            elif statement.section[:len(source)] != source:  # not inside a table copied whole
                # a dotted key, maybe written in a parent table: into ours' table there
                depth = len(there) - len(statement.section)
                if depth > len(here) or here[len(here) - depth:] != there[len(there) - depth:] or (
                        any(self.ours.find(here[:len(here) - k]) is not None for k in range(depth))):
                    raise Unplaced(f"{address}: ours writes that table another way")
                self._insert_key(here[:len(here) - depth], statement, statement.section)

    def _insert_key(self, here: Address, statement: Statement, there: Address) -> None:
        """A key statement of theirs into ours' section of `here`, after the key theirs has
        above it (and after ours' own keys that follow that one)."""
        assert self.peer is not None
        ours, peer = self.ours, self.peer
        start = self._after_header(here)  # ours must have that section
        mine = ours.keys_of(here)
        siblings = peer.keys_of(there)
        above = [s for s in siblings[:siblings.index(statement)]
                 if getattr(ours.find((*here, *s.path)), "section", None) == here]
        if above:
            anchor = ours.find(here + above[-1].path)
            assert anchor is not None
            position = anchor.end
            for following in (s for s in mine if s.start > anchor.start):
                if peer.find(there + following.path) is not None:
                    break
                position = following.end
        else:
            position = mine[0].lead if mine else start
        chunk = peer.text[_gap(peer.text, statement.lead):statement.end]
        self._edit(position, position, _ended(chunk, ours.text, position))

    def _after_header(self, here: Address) -> int:
        """Where keys go in a section of ours that has none."""
        if not here:
            return self.ours.section_end(None)
        header = self.ours.find(here)
        if header is None or header.kind == "key":
            raise Unplaced(f"{here}: no section of ours to add keys to")
        return header.end

    def _insert_section(self, here: Address, header: Statement, there: Address,
                        source: Address) -> None:
        """A table or entry theirs added (at `source`), with its lines, after the section
        theirs has above it (and ours' own sections that follow that one)."""
        assert self.peer is not None
        peer, ours = self.peer, self.ours
        position = None
        for previous in reversed(peer.sections[:peer.section_index[header.start]]):
            if previous.address[:len(source)] == source:
                continue  # copied too, just before
            if previous.address[:len(there)] != there:
                break
            mine = ours.find(here + previous.address[len(there):])
            if mine is not None and mine.kind != "key":
                position = self._after_section(mine, here, there)
                break
        if position is None:  # at the end of the table, or of the nearest one with sections
            position = len(ours.text)
            for size in range(len(here), 0, -1):
                region = ours.headers_under(here[:size])
                if region:
                    position = ours.content_end(region[-1])
                    break
        chunk = peer.text[_gap(peer.text, header.lead):peer.content_end(header)]
        self._edit(position, position, _ended(chunk, ours.text, position), section=True)

    def _after_section(self, header: Statement, here: Address, there: Address) -> int:
        """The end of a section of ours and of the tables in `here` after it that theirs has
        not (ours' own additions come first)."""
        ours, peer = self.ours, self.peer
        assert peer is not None
        position = ours.content_end(header)
        for following in ours.sections[ours.section_index[header.start] + 1:]:
            address = following.address
            if following.kind == "array" or address[:len(here)] != here or peer.find(
                    there + address[len(here):]) is not None:
                break
            position = ours.content_end(following)
        return position

    # -- arrays of tables ------------------------------------------------------------------------

    def _entries(self, here: Address, old: list[dict[str, Any]], new: list[dict[str, Any]],
                 there: Address | None, peer: Any) -> None:
        """An array of tables: entries matched by identity, record key or value; those dropped
        deleted, those changed merged in place, those theirs added copied from theirs."""
        mine = _Matching(old)
        theirs = _Matching(peer) if isinstance(peer, list) and there is not None else None
        kept = [mine.find(entry) for entry in new]
        positions = [index for index in kept if index is not None]
        if positions != sorted(positions):
            raise Unplaced(f"{here}: entries reordered")
        kept_set = set(positions)
        for dropped in range(len(old)):
            if dropped not in kept_set:
                self._delete((*here, dropped))
        previous: int | None = None
        first = self.ours.find((*here, 0))
        for entry, index in zip(new, kept, strict=True):
            match = theirs.find(entry) if theirs is not None else None
            inner = (*there, match) if there is not None and match is not None else None
            if index is not None:
                if not same(old[index], entry):
                    self._table((*here, index), old[index], entry, inner,
                                peer[match] if match is not None else None)
                previous = index
                continue
            if inner is None or self.peer is None or not same(peer[match], entry):
                raise Unplaced(f"{here}: an entry no side wrote")
            peer_text = self.peer.text
            header = self.peer.find(inner)
            if header is None:
                raise Unplaced(f"{inner}: theirs writes that entry inline")
            last = self.peer.headers_under(inner)[-1]
            if previous is not None:  # after the entry before it, with the blank lines above
                position = self._entry_end((*here, previous))
                chunk = peer_text[_gap(peer_text, header.lead):self.peer.content_end(last)]
            elif first is not None:  # before ours' first, with the blank lines below
                position = first.lead
                chunk = peer_text[header.lead:self.peer.section_end(last)]
            else:
                raise Unplaced(f"{here}")
            self._edit(position, position, _ended(chunk, self.ours.text, position), section=True)

    def _entry_end(self, address: Address) -> int:
        return self.ours.content_end(self.ours.headers_under(address)[-1])


class _Matching:
    """Finds the entry of a list that holds an element: by identity, record key or value;
    each entry once."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.by_identity = {id(item): index for index, item in enumerate(items)}
        self.by_key: dict[Any, list[int]] = {}
        for index, item in enumerate(items):
            self.by_key.setdefault(record_key(item) or identity(item), []).append(index)
        self.used: set[int] = set()

    def find(self, element: Any) -> int | None:
        index = self.by_identity.get(id(element))
        if index is None or index in self.used:
            index = None
            for key in (record_key(element), identity(element)):
                for candidate in self.by_key.get(key, ()) if key is not None else ():
                    if candidate not in self.used:
                        index = candidate
                        break
                if index is not None:
                    break
        if index is not None:
            self.used.add(index)
        return index


def _gap(text: str, lead: int) -> int:
    """Where the blank lines directly above `lead` start."""
    position = lead
    while position > 0:
        line_start = text.rfind("\n", 0, position - 1) + 1
        if text[line_start:position].strip():
            break
        position = line_start
    return position


def _ended(chunk: str, text: str, position: int) -> str:
    """A chunk of whole lines to insert at `position` of `text` (which may not end in one)."""
    if not chunk.endswith("\n"):
        chunk += "\n"
    if position and text[position - 1] != "\n":
        chunk = "\n" + chunk.rstrip("\n")
        if position < len(text):
            chunk += "\n"
    return chunk
