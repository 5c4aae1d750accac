"""Writing a merged value into ours' JSONC/JSON5 text: unchanged values, comments and commas
keep their bytes; a changed value is written in place; a container whose members changed is
rebuilt from its members' own text (each with the comments above it and after it on its line),
new members in the layout of their neighbours. The caller parses the result back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from statemerge.documents.jsonc import Dialect, Member, Node, spans
from statemerge.jsonvalue import identity, same

_IDENT = re.compile(r"[A-Za-z_$][\w$]*\Z")
_REUSE_FIELDS = ("id", "key", "name", "uuid", "containerPort", "mountPath", "path")


@dataclass(frozen=True)
class _Donor:
    """The same place in another side's text: a value written there as it is wanted is copied
    with its comments (the side that added it wrote them)."""

    text: str
    node: Node
    value: Any

    @cached_property
    def _by_key(self) -> dict[str | None, Member]:
        return {member.key: member for member in self.node.members or []}

    def child(self, key: str | int) -> _Donor | None:
        members, value = self.node.members, self.value
        if isinstance(key, str) and isinstance(value, dict) and members and key in value:
            found = self._by_key.get(key)
            return None if found is None else _Donor(self.text, found.node, value[key])
        if isinstance(key, int) and isinstance(value, list) and members and key < len(value):
            return _Donor(self.text, members[key].node, value[key])
        return None

    def member(self, key: str | None, value: Any) -> Member | None:
        """The member with this key holding `value` (in an array: the item equal to it)."""
        members = self.node.members or []
        if isinstance(self.value, dict) and key is not None:
            found = self._by_key.get(key)
            return found if found is not None and same(self.value[key], value) else None
        if isinstance(self.value, list) and key is None:
            return next((m for m, item in zip(members, self.value, strict=False)
                         if same(item, value) and type(item) is type(value)), None)
        return None


def write_jsonc(text: str, old: Any, new: Any, source: str, dialect: Dialect,
                donors: tuple[tuple[str, Any], ...] = ()) -> str:
    """`new` written into `text` (which holds `old`); `donors` (text, value) are the other
    sides, whose text of a value is copied where they hold it as it is wanted."""
    from statemerge.documents.jsontext import detect_layout

    node = spans(text, source, dialect)
    indent = detect_layout(_blank_comments(text)).indent or "  "
    donor = None
    for donor_text, donor_value in donors[:1]:
        donor = _Donor(donor_text, spans(donor_text, source, dialect, like=(text, node)),
                       donor_value)
    body = _Writer(text, indent).value(node, old, new, donor)
    return text[:node.start] + body + text[node.end:]


def _blank_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*[\s\S]*?\*/", "", text)


class _Writer:
    def __init__(self, text: str, unit: str) -> None:
        self.text, self.unit = text, unit

    def value(self, node: Node, old: Any, new: Any, donor: _Donor | None = None) -> str:
        text = self.text
        if same(old, new) and type(old) is type(new):
            return text[node.start:node.end]
        if donor is not None and same(donor.value, new) and type(donor.value) is type(new):
            return donor.text[donor.node.start:donor.node.end]
        members = node.members
        if members and isinstance(old, dict) and isinstance(new, dict) and set(old) == set(new):
            return self._in_place(node, [(m, old[m.key], new[m.key]) for m in members], donor)
        if members and isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            return self._in_place(node, list(zip(members, old, new, strict=True)), donor)
        if members and isinstance(old, dict) and isinstance(new, dict) and new:
            return self._rebuild(node, [(m.key, m, old[m.key]) for m in members], list(new.items()),
                                 donor)
        if members and isinstance(old, list) and isinstance(new, list) and new:
            return self._rebuild(node, list(zip([None] * len(old), members, old, strict=True)),
                                 [(None, item) for item in new], donor)
        return self.render(new, self._line_indent(node.start))

    def _in_place(self, node: Node, triples: list[tuple[Member, Any, Any]],
                  donor: _Donor | None) -> str:
        out, position = [], node.start
        for index, (member, old, new) in enumerate(triples):
            if same(old, new) and type(old) is type(new):
                continue
            out.append(self.text[position:member.node.start])
            child = donor.child(member.key if member.key is not None else index) if donor else None
            out.append(self.value(member.node, old, new, child))
            position = member.node.end
        out.append(self.text[position:node.end])
        return "".join(out)

    def _rebuild(self, node: Node, olds: list[tuple[str | None, Member, Any]],
                 news: list[tuple[str | None, Any]], donor: _Donor | None) -> str:
        text = self.text
        assert node.members
        first, last = node.members[0], node.members[-1]
        opening = text[node.start:first.lead_start]
        lead0 = text[first.lead_start:first.start]
        newline = re.match(r"[ \t]*\r?\n", lead0)
        if newline:
            opening += newline.group()
        closing = text[last.after_end:node.end]
        tail = re.match(r"[ \t]*(?://[^\n]*)?\r?\n", closing) if last.comma is None else None
        last_rest = tail.group() if tail else ""
        if tail:
            closing = closing[tail.end():]
        multiline = "\n" in text[node.start:node.end]
        indent = self._line_indent(first.start) if multiline else ""
        plain_rest = ("\r\n" if "\r\n" in text[node.start:node.end] else "\n") if multiline else " "
        pairs = self._pair(olds, news)
        out = [opening]
        for index, ((key, value), match) in enumerate(zip(news, pairs, strict=True)):
            comma = index < len(news) - 1 or node.trailing_comma
            if match is not None:
                _, member, old_value = match
                lead = text[member.lead_start:member.start]
                if member is first and newline:
                    lead = lead[newline.end():]
                head = text[member.start:member.node.start]
                changed = not (same(old_value, value) and type(old_value) is type(value))
                child = donor.child(key) if changed and donor is not None and key is not None else None
                body = self.value(member.node, old_value, value, child)
                rest = last_rest if member is last and member.comma is None else text[
                    (member.comma + 1 if member.comma is not None else member.node.end):member.after_end]
                pre = text[member.node.end:member.comma] if member.comma is not None else ""
                if comma and not rest and index:
                    rest = plain_rest if multiline else " "
                elif comma and not rest:
                    rest = plain_rest
                if not comma and "\n" not in rest:
                    rest = ""
            elif (given := self._given(donor, key, value)) is not None:
                lead, head, body, pre, rest = given
                if not multiline or ("\n" not in lead and index):
                    lead = (indent if multiline else "") + lead.lstrip(" \t\r\n")
                if comma and not rest:
                    rest = plain_rest
                if not comma and "\n" not in rest:
                    rest = ""
            else:
                lead = indent if multiline else ""
                head = self._key(key, first) if key is not None else ""
                body = self.render(value, indent)
                pre, rest = "", plain_rest if comma or multiline else ""
            out.extend((lead, head, body, pre, "," if comma else "", rest))
        if not multiline and not node.trailing_comma:
            out[-1] = out[-1].rstrip(" ")
        out.append(closing)
        return "".join(out)

    @staticmethod
    def _given(donor: _Donor | None, key: str | None, value: Any
               ) -> tuple[str, str, str, str, str] | None:
        """A new member as the donor wrote it: (lead, key and separator, value, before its
        comma, after its comma), when the donor holds it with this value."""
        member = donor.member(key, value) if donor is not None else None
        if donor is None or member is None:
            return None
        text = donor.text
        lead = text[member.lead_start:member.start]
        if donor.node.members and member is donor.node.members[0]:
            lead = re.sub(r"\A[ \t]*\r?\n", "", lead)
        rest_start = member.comma + 1 if member.comma is not None else member.node.end
        pre = text[member.node.end:member.comma] if member.comma is not None else ""
        rest = text[rest_start:member.after_end]
        if member.comma is None:
            tail = re.match(r"[ \t]*(?://[^\n]*)?\r?\n", text[member.after_end:donor.node.end])
            rest = tail.group() if tail else ""
        return (lead, text[member.start:member.node.start], text[member.node.start:member.node.end],
                pre, rest)

    @staticmethod
    def _pair(olds: list[tuple[str | None, Member, Any]], news: list[tuple[str | None, Any]]
              ) -> list[tuple[str | None, Member, Any] | None]:
        """For each new member, the old member whose text it reuses (by key; in arrays by
        equal value, then by an identity field)."""
        if olds and olds[0][0] is not None:
            by_key = {key: old for old in olds for key in (old[0],)}
            return [by_key.get(key) for key, _ in news]
        free: dict[Any, list[tuple[str | None, Member, Any]]] = {}
        for old in olds:
            free.setdefault(identity(old[2]), []).append(old)
        pairs: list[tuple[str | None, Member, Any] | None] = []
        used: set[int] = set()
        for _, value in news:
            candidates = free.get(identity(value))
            pairs.append(candidates.pop(0) if candidates else None)
            if pairs[-1] is not None:
                used.add(id(pairs[-1]))
        for index, (_, value) in enumerate(news):
            if pairs[index] is None and isinstance(value, dict):
                for old in olds:
                    if id(old) not in used and isinstance(old[2], dict) and any(
                            name in value and same(value[name], old[2].get(name))
                            for name in _REUSE_FIELDS):
                        pairs[index] = old
                        used.add(id(old))
                        break
        return pairs

    def _key(self, key: str, template: Member) -> str:
        separator = self.text[template.key_end:template.node.start]
        written = key if template.bare_key and _IDENT.match(key) else json.dumps(key, ensure_ascii=False)
        return written + separator

    def _line_indent(self, position: int) -> str:
        start = self.text.rfind("\n", 0, position) + 1
        line = self.text[start:position]
        return line[:len(line) - len(line.lstrip(" \t"))]

    def render(self, value: Any, indent: str) -> str:
        """A new value as JSON (valid JSONC and JSON5), its lines indented from `indent`."""
        if not isinstance(value, dict | list) or not value:
            return _scalar(value)
        written = json.dumps(value, indent=self.unit, ensure_ascii=False, default=_default)
        return written.replace("\n", "\n" + indent)


def _scalar(value: Any) -> str:
    if isinstance(value, float) and value != value:
        return "NaN"
    return json.dumps(value, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON data")
