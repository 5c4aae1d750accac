"""`statemerge crdt new|apply|value|merge`, in-process and as real processes."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge import crdt
from statemerge.cli.app import app

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "crdt"
AGENTS = ["alice.json", "bob.json", "carol.json"]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STATEMERGE_REPLICA", raising=False)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`statemerge crdt ARGS` in-process: exit code, stdout, stderr."""
    result = CliRunner().invoke(app, ["crdt", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def value(path: str, *at: str) -> object:
    code, out, err = run("value", path, *at)
    assert code == 0, err
    return json.loads(out)


def copy_fixture(name: str, to: str | None = None) -> str:
    target = Path(to or Path(name).name)
    shutil.copy(FIXTURES / name, target)
    return str(target)


def test_new_prints_an_empty_node() -> None:
    assert run("new", "pn-counter") == (0, '{"$crdt": "pn-counter", "dec": {}, "inc": {}}\n', "")


def test_new_writes_a_file_and_refuses_to_overwrite_it_without_force() -> None:
    assert run("new", "or-set", "-o", "seen.json")[0] == 0
    Path("seen.json").write_text("keep me")
    code, _, err = run("new", "g-set", "-o", "seen.json")
    assert (code, err) == (
        2,
        "statemerge: seen.json: already exists (give --force to overwrite it).\n",
    )
    assert Path("seen.json").read_text() == "keep me"
    assert run("new", "g-set", "-o", "seen.json", "--force")[0] == 0
    assert json.loads(Path("seen.json").read_text()) == crdt.new("g-set")


def test_new_of_an_unknown_type_lists_the_known_ones() -> None:
    code, _, err = run("new", "counter")
    assert code == 2
    assert err.startswith("statemerge: Unknown CRDT type 'counter' (known: 2p-set, g-counter,")
    assert err.count("\n") == 1


def test_apply_rewrites_a_whole_node_file_canonically() -> None:
    run("new", "g-counter", "-o", "hits.json")
    assert run("apply", "hits.json", "--replica", "bob", "inc", "2")[0] == 0
    assert run("apply", "hits.json", "--replica", "alice", "inc")[0] == 0
    assert Path("hits.json").read_text() == '{"$crdt": "g-counter", "inc": {"alice": 1, "bob": 2}}\n'
    assert value("hits.json") == 3


def test_apply_takes_the_replica_from_the_environment() -> None:
    run("new", "g-counter", "-o", "hits.json")
    assert run("apply", "hits.json", "inc", "4", env={"STATEMERGE_REPLICA": "ci"})[0] == 0
    assert json.loads(Path("hits.json").read_text())["inc"] == {"ci": 4}


def test_apply_at_a_pointer_keeps_the_rest_of_a_json_state_file() -> None:
    Path("state.json").write_text(
        '{\n    "name": "demo",\n    "hits": {"$crdt": "g-counter", "inc": {}},\n    "after": [1, 2]\n}\n'
    )
    assert run("apply", "state.json", "--replica", "a", "--at", "/hits", "inc", "5")[0] == 0
    text = Path("state.json").read_text()
    assert list(json.loads(text)) == ["name", "hits", "after"]
    assert text.startswith('{\n    "name": "demo",\n')
    assert value("state.json") == {"name": "demo", "hits": 5, "after": [1, 2]}
    assert value("state.json", "--at", "/hits") == 5


def test_apply_at_a_pointer_keeps_comments_of_a_yaml_state_file() -> None:
    Path("state.yaml").write_text(
        "# shared by the agents\nname: demo  # do not rename\nseen:\n  $crdt: or-set\n"
    )
    assert run("apply", "state.yaml", "--replica", "a", "--at", "/seen", "add", '"repo"')[0] == 0
    text = Path("state.yaml").read_text()
    assert text.startswith("# shared by the agents\nname: demo  # do not rename\n")
    assert value("state.yaml") == {"name": "demo", "seen": ["repo"]}


def test_apply_to_an_or_map_takes_keys_and_operations_as_plain_words() -> None:
    copy_fixture("or-map.json", "m.json")
    assert run("apply", "m.json", "--replica", "bob", "update", "hits", "inc", "3")[0] == 0
    assert run("apply", "m.json", "--replica", "bob", "put", "owner", '"bob"')[0] == 0
    assert run("apply", "m.json", "--replica", "bob", "put", "tags", '{"$crdt": "g-set"}')[0] == 0
    assert value("m.json") == {"hits": 5, "owner": "bob", "tags": []}


def test_apply_passes_arguments_that_look_like_options() -> None:
    run("new", "rga", "-o", "list.json")
    assert run("apply", "list.json", "--replica", "a", "append", "-1", '"-x"')[0] == 0
    assert value("list.json") == [-1, "-x"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["inc", "1"], "statemerge: crdt apply needs --replica ID (or $STATEMERGE_REPLICA).\n"),
        (
            ["--replica", "a", "dec", "1"],
            "statemerge: A g-counter has no operation 'dec' (it has: inc).\n",
        ),
        (["--replica", "a", "inc", "five"], "statemerge: Argument 'five' is not a JSON value"),
        (
            ["--replica", "a", "inc", "-5"],
            "statemerge: g-counter inc: the amount must be a non-negative",
        ),
        (["--replica", "a", "--at", "/x", "inc"], "statemerge: hits.json: '/x' does not exist"),
    ],
)
def test_apply_refuses_bad_usage_in_one_line_and_leaves_the_file_alone(args: list[str], message: str) -> None:
    run("new", "g-counter", "-o", "hits.json")
    before = Path("hits.json").read_bytes()
    code, _, err = run("apply", "hits.json", *args)
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert Path("hits.json").read_bytes() == before


def test_apply_to_a_plain_part_says_where_the_nodes_are() -> None:
    copy_fixture("agents/alice.json")
    code, _, err = run("apply", "alice.json", "--replica", "a", "inc")
    assert code == 2
    assert err == (
        "statemerge: alice.json at the root: not a CRDT node (give --at POINTER; "
        "nodes are at: /log, /seen, /status, /tasks_done).\n"
    )


def test_malformed_node_is_refused_with_file_and_pointer() -> None:
    copy_fixture("bad/negative-counter.json", "bad.json")
    for args in (["value", "bad.json"], ["merge", "bad.json", "bad.json", "-o", "out.json"]):
        code, _, err = run(*args)
        assert code == 2
        assert err == (
            "statemerge: bad.json at '/hits/inc/bob': expected an integer of at least 0, found -1.\n"
        )
    assert not Path("out.json").exists()


def test_unparsable_file_names_line_and_column() -> None:
    Path("broken.json").write_text('{"$crdt": "g-set",\n "elements": [1,]}\n')
    code, _, err = run("value", "broken.json")
    assert code == 2 and err.startswith("statemerge: broken.json:2:")


def test_three_replicas_merged_in_every_order_give_identical_files() -> None:
    for name in AGENTS:
        copy_fixture(f"agents/{name}")
    outputs = set()
    for order in itertools.permutations(AGENTS):
        assert run("merge", *order, "-o", "merged.json")[0] == 0
        outputs.add(Path("merged.json").read_bytes())
        outputs.add(run("merge", *order)[1].encode())
    assert len(outputs) == 1
    assert value("merged.json") == {
        "log": ["carol: reviewed", "bob: deployed", "alice: tests pass"],
        "run": "nightly",
        "seen": ["repo-a", "repo-b", "repo-c"],
        "status": {"phase": "deploying"},
        "tasks_done": 6,
    }


def test_merge_of_merged_output_with_an_input_changes_nothing() -> None:
    for name in AGENTS:
        copy_fixture(f"agents/{name}")
    run("merge", *AGENTS, "-o", "merged.json")
    code, out, _ = run("merge", "merged.json", "bob.json")
    assert code == 0 and out.encode() == Path("merged.json").read_bytes()


def test_merge_refuses_files_whose_plain_parts_differ() -> None:
    copy_fixture("agents/alice.json")
    other = json.loads(Path("alice.json").read_text()) | {"run": "weekly"}
    Path("other.json").write_text(json.dumps(other))
    code, _, err = run("merge", "alice.json", "other.json", "-o", "out.json")
    assert code == 2
    assert err == (
        "statemerge: other.json at '/run': a string unlike alice.json's; "
        "only CRDT nodes may differ between the joined files.\n"
    )
    assert not Path("out.json").exists()


def test_merge_of_yaml_files_writes_yaml() -> None:
    for name in ("a", "b"):
        Path(f"{name}.yaml").write_text("hits:\n  $crdt: g-counter\n")
        run("apply", f"{name}.yaml", "--replica", name, "--at", "/hits", "inc", "2")
    code, out, _ = run("merge", "a.yaml", "b.yaml")
    assert (code, out) == (0, "hits:\n  $crdt: g-counter\n  inc: {a: 2, b: 2}\n")


@pytest.mark.parametrize("tag", sorted(crdt.TYPES))
def test_every_documented_fixture_is_a_valid_node_of_its_type(tag: str) -> None:
    node = json.loads((FIXTURES / f"{tag}.json").read_text())
    assert node["$crdt"] == tag
    assert run("merge", str(FIXTURES / f"{tag}.json"))[1] == (FIXTURES / f"{tag}.json").read_text()


def statemerge(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, as a separate process (no replica in its environment)."""
    env = {key: value for key, value in os.environ.items() if key != "STATEMERGE_REPLICA"}
    return subprocess.run(
        [sys.executable, "-m", "statemerge", "crdt", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_agents_as_real_processes_apply_concurrently_and_converge(tmp_path: Path) -> None:
    seed = statemerge("new", "or-set", "-o", "seen.json", cwd=tmp_path)
    assert seed.returncode == 0, seed.stderr
    names = ["alice", "bob", "carol"]
    for name in names:
        shutil.copy(tmp_path / "seen.json", tmp_path / f"{name}.json")
    running = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "statemerge",
                "crdt",
                "apply",
                f"{name}.json",
                "--replica",
                name,
                "add",
                f'"{name}"',
            ],
            cwd=tmp_path,
        )
        for name in names
    ]
    assert [process.wait() for process in running] == [0, 0, 0]
    merged = statemerge("merge", *(f"{name}.json" for name in names), cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    (tmp_path / "merged.json").write_text(merged.stdout)
    shown = statemerge("value", "merged.json", cwd=tmp_path)
    assert json.loads(shown.stdout) == names
    failed = statemerge("apply", "merged.json", "add", '"x"', cwd=tmp_path)
    assert (failed.returncode, failed.stderr) == (
        2,
        "statemerge: crdt apply needs --replica ID (or $STATEMERGE_REPLICA).\n",
    )


def test_writers_sharing_one_file_under_its_lock_lose_no_update(tmp_path: Path) -> None:
    assert statemerge("new", "g-counter", "-o", "hits.json", cwd=tmp_path).returncode == 0
    command = [sys.executable, "-m", "statemerge"]
    locked = [*command, "lock", "hits.json", "--", *command, "crdt", "apply", "hits.json"]
    writers = [
        subprocess.Popen([*locked, "--replica", f"agent-{i}", "inc", "2"], cwd=tmp_path) for i in range(4)
    ]
    assert [writer.wait() for writer in writers] == [0, 0, 0, 0]
    assert json.loads(statemerge("value", "hits.json", cwd=tmp_path).stdout) == 8
