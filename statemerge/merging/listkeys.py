"""What identifies an item of a keyed array: one field, several together, JSON Pointers inside
the item; the identities Kubernetes gives its common lists; and list identities read from a
JSON Schema (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
`x-kubernetes-patch-merge-key`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from statemerge.merging.values import identity
from statemerge.pointer import unescape


@dataclass(frozen=True)
class ListKey:
    """Identity fields (names or JSON Pointers into the item), with defaults for absent ones
    (Kubernetes: a port's `protocol` is TCP unless it says otherwise)."""

    fields: tuple[str, ...]
    defaults: tuple[tuple[str, Any], ...] = ()

    @property
    def plain_field(self) -> str | None:
        """The one field name, when the key is a single top-level field."""
        if len(self.fields) == 1 and not self.fields[0].startswith("/"):
            return self.fields[0]
        return None

    def of(self, item: Any) -> Any:
        """The item's identity, or None when it has none (not a record, a field missing)."""
        if not isinstance(item, dict):
            return None
        parts = []
        defaults = dict(self.defaults)
        for number, name in enumerate(self.fields):
            value = _lookup(item, name)
            if value is None:
                value = defaults.get(name)
            if (value is None and number == 0) or isinstance(value, dict | list):
                return None
            parts.append(identity(value))
        return parts[0] if len(parts) == 1 else tuple(parts)

    def identifies(self, array: list[Any]) -> bool:
        """Whether every item has an identity and no two share one."""
        keys = [self.of(item) for item in array]
        return None not in keys and len(set(keys)) == len(keys)


def _lookup(item: dict[str, Any], name: str) -> Any:
    if not name.startswith("/"):
        return item.get(name)
    node: Any = item
    for token in name[1:].split("/"):
        token = unescape(token)
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def first_key(versions: Sequence[list[Any]], candidates: Sequence[ListKey]) -> ListKey | None:
    """The first candidate that identifies the items of every version."""
    for candidate in candidates:
        if all(candidate.identifies(version) for version in versions):
            return candidate
    return None


_TCP = (("protocol", "TCP"),)
# Kubernetes' own list identities (x-kubernetes-list-map-keys / patch-merge-key), by field name.
# Applied when the items carry those fields, so manifests merge by identity without rules.
KUBERNETES_KEYS: dict[str, tuple[ListKey, ...]] = {
    "ports": (ListKey(("containerPort", "protocol"), _TCP), ListKey(("port", "protocol"), _TCP)),
    "volumeMounts": (ListKey(("mountPath",)),),
    "volumeDevices": (ListKey(("devicePath",)),),
    "containers": (ListKey(("name",)),),
    "initContainers": (ListKey(("name",)),),
    "ephemeralContainers": (ListKey(("name",)),),
    "env": (ListKey(("name",)),),
    "volumes": (ListKey(("name",)),),
    "imagePullSecrets": (ListKey(("name",)),),
    "hostAliases": (ListKey(("ip",)),),
    "topologySpreadConstraints": (ListKey(("topologyKey", "whenUnsatisfiable")),),
    "resourceClaims": (ListKey(("name",)),),
    "subsets": (),
}


def kubernetes_keys(path: Sequence[str]) -> tuple[ListKey, ...]:
    """The Kubernetes identities for an array at `path` (by its field name)."""
    return KUBERNETES_KEYS.get(path[-1], ()) if path else ()


def schema_list_rules(schema: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    """(path pattern, list mode, key fields) for every array a JSON Schema gives an identity;
    local `$ref`s followed, `additionalProperties` and `items` as `*`."""
    found: list[tuple[str, str, tuple[str, ...]]] = []
    _walk(schema, schema, "", found, ())
    return list(dict.fromkeys(found))


def _walk(root: Any, node: Any, path: str, found: list[tuple[str, str, tuple[str, ...]]],
          refs: tuple[str, ...]) -> None:
    if not isinstance(node, dict) or len(refs) > 40:
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#") and ref not in refs:
        target: Any = root
        for token in ref[1:].lstrip("/").split("/") if ref != "#" else ():
            target = target.get(unescape(token)) if isinstance(target, dict) else None
        _walk(root, target, path, found, (*refs, ref))
    for combined in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(combined, []) or []:
            _walk(root, branch, path, found, refs)
    list_type = node.get("x-kubernetes-list-type")
    map_keys = node.get("x-kubernetes-list-map-keys")
    merge_key = node.get("x-kubernetes-patch-merge-key")
    if list_type == "map" and isinstance(map_keys, list) and map_keys:
        found.append((path, "keyed", tuple(str(key) for key in map_keys)))
    elif isinstance(merge_key, str) and merge_key:
        found.append((path, "keyed", (merge_key,)))
    elif list_type == "set":
        found.append((path, "union", ()))
    elif list_type == "atomic":
        found.append((path, "atomic", ()))
    for name, child in (node.get("properties") or {}).items():
        escaped = str(name).replace("~", "~0").replace("/", "~1")
        _walk(root, child, f"{path}/{escaped}", found, refs)
    if isinstance(node.get("additionalProperties"), dict):
        _walk(root, node["additionalProperties"], f"{path}/*", found, refs)
    if isinstance(node.get("items"), dict):
        _walk(root, node["items"], f"{path}/*", found, refs)
