"""Writing a merged value into ours' JSONC/JSON5 text: unchanged values, comments and commas
keep their bytes; a changed value is written in place; a container whose members changed is
rebuilt from its members' own text (each with the comments above it and after it on its line),
new members in the layout of their neighbours. The caller parses the result back.
"""

from __future__ import annotations

import json
import re
from typing import Any

from statemerge.documents.jsonc import Dialect, Member, Node, scan
from statemerge.jsonvalue import identity, same

_IDENT = re.compile(r"[A-Za-z_$][\w$]*\Z")
_REUSE_FIELDS = ("id", "key", "name", "uuid", "containerPort", "mountPath", "path")


def write_jsonc(text: str, old: Any, new: Any, source: str, dialect: Dialect) -> str:
    """`new` written into `text` (which holds `old`)."""
    from statemerge.documents.jsontext import detect_layout

    _, node = scan(text, source, dialect)
    start = len(text) - len(text.lstrip())
    indent = detect_layout(_blank_comments(text)).indent or "  "
    body = _Writer(text, indent).value(node, old, new)
    return text[:start] + body + text[node.end:] if start <= node.start else body


def _blank_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*[\s\S]*?\*/", "", text)


class _Writer:
    def __init__(self, text: str, unit: str) -> None:
        self.text, self.unit = text, unit

    def value(self, node: Node, old: Any, new: Any) -> str:
        text = self.text
        if same(old, new) and type(old) is type(new):
            return text[node.start:node.end]
        members = node.members
        if members and isinstance(old, dict) and isinstance(new, dict) and set(old) == set(new):
            return self._in_place(node, [(m, old[m.key], new[m.key]) for m in members])
        if members and isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            return self._in_place(node, list(zip(members, old, new, strict=True)))
        if members and isinstance(old, dict) and isinstance(new, dict) and new:
            return self._rebuild(node, [(m.key, m, old[m.key]) for m in members], list(new.items()))
        if members and isinstance(old, list) and isinstance(new, list) and new:
            return self._rebuild(node, list(zip([None] * len(old), members, old, strict=True)),
                                 [(None, item) for item in new])
        return self.render(new, self._line_indent(node.start))

    def _in_place(self, node: Node, triples: list[tuple[Member, Any, Any]]) -> str:
        out, position = [], node.start
        for member, old, new in triples:
            if same(old, new) and type(old) is type(new):
                continue
            out.append(self.text[position:member.node.start])
            out.append(self.value(member.node, old, new))
            position = member.node.end
        out.append(self.text[position:node.end])
        return "".join(out)

    def _rebuild(self, node: Node, olds: list[tuple[str | None, Member, Any]],
                 news: list[tuple[str | None, Any]]) -> str:
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
                body = self.value(member.node, old_value, value)
                rest = last_rest if member is last and member.comma is None else text[
                    (member.comma + 1 if member.comma is not None else member.node.end):member.after_end]
                pre = text[member.node.end:member.comma] if member.comma is not None else ""
                if comma and not rest and index:
                    rest = plain_rest if multiline else " "
                elif comma and not rest:
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
