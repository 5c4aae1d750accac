"""Rules of issue 12: max/min by version (`compare: semver|version`), `key:` with several fields
or JSON Pointers, list identities from a JSON Schema, and Kubernetes' lists keyed by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from statemerge.errors import RulesError
from statemerge.mergefile import MergeOptions, merge_texts
from statemerge.merging import merge
from statemerge.merging.rules import RuleSet, parse_rules, schema_rules
from statemerge.merging.versions import NotAVersion, version_key


def rules(*entries: dict[str, Any]) -> RuleSet:
    return parse_rules({"rules": list(entries)}, source="rules")


@pytest.mark.parametrize(("low", "high"), [
    ("1.9.3", "1.10.0"), ("v1.2.3", "1.2.4"), ("1.0.0-alpha", "1.0.0-alpha.1"),
    ("1.0.0-alpha.beta", "1.0.0-beta"), ("1.0.0-beta.2", "1.0.0-beta.11"), ("1.0.0-rc.1", "1.0.0"),
])
def test_semver_precedence(low: str, high: str) -> None:
    assert version_key("semver", low) < version_key("semver", high)


@pytest.mark.parametrize(("low", "high"), [
    ("1.2.9", "1.2.10"), ("1.0.dev1", "1.0a1"), ("1.0a1", "1.0b2"), ("1.0rc1", "1.0"),
    ("1.0", "1.0.post1"), ("1.0", "1!0.1"), ("2024.1", "2024.10"), ("1.0", "1.0+local.1"),
])
def test_pep440_and_dotted_number_order(low: str, high: str) -> None:
    assert version_key("version", low) < version_key("version", high)


def test_semver_refuses_what_is_not_one() -> None:
    with pytest.raises(NotAVersion):
        version_key("semver", "1.2")


def test_max_by_semver_takes_the_higher_bump_and_min_the_lower() -> None:
    base, ours, theirs = {"version": "1.9.3"}, {"version": "1.10.0"}, {"version": "1.9.4"}
    high = merge(base, ours, theirs, rules({"path": "/version", "strategy": "max", "compare": "semver"}))
    assert high.clean and high.value == {"version": "1.10.0"}
    low = merge(base, ours, theirs, rules({"path": "/version", "strategy": "min", "compare": "semver"}))
    assert low.value == {"version": "1.9.4"}
    plain = merge(base, ours, theirs, rules({"path": "/version", "strategy": "max"}))
    assert plain.value == {"version": "1.9.4"}  # as strings: "1.9.4" > "1.10.0", hence compare:


def test_max_by_version_leaves_the_conflict_when_a_side_is_not_a_version() -> None:
    result = merge({"v": "1.0"}, {"v": "1.1"}, {"v": "latest"},
                   rules({"path": "/v", "strategy": "max", "compare": "version"}))
    assert [c.path for c in result.conflicts] == ["/v"]
    assert "not a version" in (result.conflicts[0].note or "")


def test_compare_needs_max_or_min_and_a_known_name() -> None:
    with pytest.raises(RulesError):
        rules({"path": "/v", "strategy": "ours", "compare": "semver"})
    with pytest.raises(RulesError):
        rules({"path": "/v", "strategy": "max", "compare": "calver"})


def test_key_with_several_fields_identifies_items_by_all_of_them() -> None:
    base = {"ports": [{"port": 53, "proto": "UDP", "n": 1}, {"port": 53, "proto": "TCP", "n": 1}]}
    ours = {"ports": [{"port": 53, "proto": "UDP", "n": 2}, {"port": 53, "proto": "TCP", "n": 1}]}
    theirs = {"ports": [{"port": 53, "proto": "TCP", "n": 3}, {"port": 53, "proto": "UDP", "n": 1}]}
    result = merge(base, ours, theirs, rules({"path": "/ports", "key": ["port", "proto"]}))
    assert result.clean
    assert {(p["proto"], p["n"]) for p in result.value["ports"]} == {("UDP", 2), ("TCP", 3)}


def test_key_may_be_a_json_pointer_inside_the_item() -> None:
    base = {"items": [{"meta": {"id": "a"}, "v": 1}, {"meta": {"id": "b"}, "v": 1}]}
    ours = {"items": [{"meta": {"id": "a"}, "v": 2}, {"meta": {"id": "b"}, "v": 1}]}
    theirs = {"items": [{"meta": {"id": "b"}, "v": 3}, {"meta": {"id": "a"}, "v": 1}]}
    result = merge(base, ours, theirs, rules({"path": "/items", "key": "/meta/id"}))
    assert result.clean
    assert {i["meta"]["id"]: i["v"] for i in result.value["items"]} == {"a": 2, "b": 3}


def test_kubernetes_ports_merge_by_container_port_and_protocol_without_rules() -> None:
    base = {"ports": [{"containerPort": 80}, {"containerPort": 443, "protocol": "TCP"}]}
    ours = {"ports": [{"containerPort": 80, "name": "http"},
                      {"containerPort": 443, "protocol": "TCP"}]}
    theirs = {"ports": [{"containerPort": 443, "protocol": "TCP", "name": "https"},
                        {"containerPort": 80, "protocol": "TCP"}]}  # TCP is the default
    result = merge(base, ours, theirs)
    assert result.clean, result.conflicts
    by_port = {p["containerPort"]: p for p in result.value["ports"]}
    assert by_port[80] == {"containerPort": 80, "name": "http", "protocol": "TCP"}
    assert by_port[443]["name"] == "https"


def test_kubernetes_volume_mounts_merge_by_mount_path_without_rules() -> None:
    base = {"volumeMounts": [{"mountPath": "/a", "name": "v"}]}
    ours = {"volumeMounts": [{"mountPath": "/a", "name": "v", "readOnly": True}]}
    theirs = {"volumeMounts": [{"mountPath": "/b", "name": "v"}, {"mountPath": "/a", "name": "v"}]}
    result = merge(base, ours, theirs)
    assert result.clean
    assert {m["mountPath"]: m.get("readOnly") for m in result.value["volumeMounts"]} == {
        "/a": True, "/b": None}


SCHEMA = {
    "definitions": {
        "Spec": {"type": "object", "properties": {
            "listeners": {"type": "array", "x-kubernetes-list-type": "map",
                          "x-kubernetes-list-map-keys": ["host", "port"],
                          "items": {"$ref": "#/definitions/Listener"}},
            "tags": {"type": "array", "x-kubernetes-list-type": "set"},
            "args": {"type": "array", "x-kubernetes-list-type": "atomic"},
            "rules": {"type": "array", "x-kubernetes-patch-merge-key": "ruleId"},
            "child": {"$ref": "#/definitions/Spec"}}},
        "Listener": {"type": "object", "properties": {"host": {}, "port": {}}},
    },
    "type": "object", "properties": {"spec": {"$ref": "#/definitions/Spec"}},
}


def test_schema_list_identities_become_list_rules() -> None:
    found = {(rule.path, rule.list_mode, rule.keys) for rule in schema_rules(SCHEMA)}
    assert ("/spec/listeners", "keyed", ("host", "port")) in found
    assert ("/spec/tags", "union", ()) in found
    assert ("/spec/args", "atomic", ()) in found
    assert ("/spec/rules", "keyed", ("ruleId",)) in found
    # a $ref is followed once per chain: a recursive schema ends
    assert ("/spec/child/listeners", "keyed", ("host", "port")) not in found


def test_schema_atomic_list_conflicts_instead_of_interleaving() -> None:
    ruleset = RuleSet(schema_rules(SCHEMA))
    result = merge({"spec": {"args": ["a"]}}, {"spec": {"args": ["a", "b"]}},
                   {"spec": {"args": ["c", "a"]}}, ruleset)
    assert [c.path for c in result.conflicts] == ["/spec/args"]


def test_schema_from_the_command_option_and_from_the_rules_file(tmp_path: Path) -> None:
    import json

    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA))
    sides = [(json.dumps({"spec": {"args": args}}, indent=2) + "\n").encode()
             for args in (["a"], ["a", "b"], ["c", "a"])]
    names = ("b.json", "o.json", "t.json")
    hint = str(tmp_path / "o.json")
    without = merge_texts(*sides, names=names, options=MergeOptions(path_hint=hint))
    assert without.clean  # a sequence merge would interleave the arguments
    by_option = merge_texts(*sides, names=names, options=MergeOptions(
        schema_file=str(tmp_path / "schema.json"), path_hint=hint))
    assert [c.path for c in by_option.conflicts] == ["/spec/args"]
    (tmp_path / ".statemerge.yaml").write_text("schema: schema.json\n")
    by_file = merge_texts(*sides, names=names, options=MergeOptions(path_hint=hint))
    assert [c.path for c in by_file.conflicts] == ["/spec/args"]
