"""TOML merges keep the comments that belong to what each side wrote: a key, table or
array-of-tables entry theirs added comes with the comment lines directly above it, its
end-of-line comment and every line inside it; ours' comments and layout stay byte for byte; a
key theirs changed keeps ours' comments; a key theirs deleted takes its comment lines with it
unless ours wrote them. Every output is read back with tomllib and equals the structural merge."""

from __future__ import annotations

import tomllib

import pytest

from statemerge.documents.tomlscan import scan
from statemerge.mergefile import MergeOptions, merge_texts
from statemerge.merging.threeway import merge
from statemerge.merging.values import same


def merged(base: str, ours: str, theirs: str) -> str:
    """The merged text, checked: clean, and reading back to the structural merge."""
    outcome = merge_texts(base.encode(), ours.encode(), theirs.encode(), names=("b", "o", "t"),
                          options=MergeOptions(path_hint="x.toml"))
    assert outcome.exit_code == 0, outcome.output.decode()
    assert not outcome.conflicts
    text = outcome.output.decode()
    structural = merge(tomllib.loads(base), tomllib.loads(ours), tomllib.loads(theirs))
    assert same(tomllib.loads(text), structural.value)
    return text


CARGO = '[package]\nname = "x"\nversion = "1.0"\n\n[dependencies]\nserde = "1"\n'


def test_dependencies_both_sides_add_at_one_spot_keep_their_comments() -> None:
    ours = CARGO + '# parsing\nnom = "7"\n'
    theirs = CARGO + '\n# for the CLI\nclap = { version = "4", features = ["derive"] }  # v4 API\n'
    assert merged(CARGO, ours, theirs) == (
        CARGO + '# parsing\nnom = "7"\n\n# for the CLI\n'
        'clap = { version = "4", features = ["derive"] }  # v4 API\n')


def test_a_key_theirs_added_goes_after_the_key_theirs_has_above_it() -> None:
    base = '[deps]\na = "1"\nz = "1"\n'
    ours = '[deps]\na = "1"\nb = "1"  # ours\nz = "1"\n'
    theirs = '[deps]\na = "1"\n# cee\nc = "1"\nz = "1"\ny = "2"\n'
    assert merged(base, ours, theirs) == (
        '[deps]\na = "1"\nb = "1"  # ours\n# cee\nc = "1"\nz = "1"\ny = "2"\n')


PYPROJECT = '[project]\nname = "x"\n\n[tool.black]\nline-length = 88\n'


def test_commented_tables_added_on_both_sides_keep_every_line() -> None:
    ours = PYPROJECT + ('\n# lint settings\n[tool.ruff]\nline-length = 100  # wide\n# rules\n'
                        'select = ["E"]\n')
    theirs = PYPROJECT + ('\n# test settings\n[tool.pytest.ini_options]  # pytest 8\n# quiet\n'
                          'addopts = "-q"  # less\n\n[tool.coverage.run]\nbranch = true\n')
    assert merged(PYPROJECT, ours, theirs) == ours + (
        '\n# test settings\n[tool.pytest.ini_options]  # pytest 8\n# quiet\n'
        'addopts = "-q"  # less\n\n[tool.coverage.run]\nbranch = true\n')


def test_a_table_theirs_added_between_two_of_ours_stays_after_its_neighbour() -> None:
    base = '[a]\nx = 1\n\n[c]\nz = 3\n'
    ours = '[a]\nx = 2\n\n[a2]\nw = 0\n\n[c]\nz = 3\n'
    theirs = '[a]\nx = 1\nv = 1\n\n# bee\n[b]\ny = 2\n\n[c]\nz = 3\n'  # git conflicts
    assert merged(base, ours, theirs) == (
        '[a]\nx = 2\nv = 1\n\n[a2]\nw = 0\n\n# bee\n[b]\ny = 2\n\n[c]\nz = 3\n')


BINS = '[package]\nname = "x"\n\n[[bin]]\nname = "a"\npath = "src/a.rs"\n'


def test_array_of_tables_entries_appended_on_both_sides_keep_their_comments() -> None:
    ours = BINS + '\n# the b tool\n[[bin]]\nname = "b"  # bee\npath = "src/b.rs"\n'
    theirs = BINS + ('\n# the c tool\n[[bin]]\nname = "c"\n# where\npath = "src/c.rs"  # see\n'
                     '\n[bin.metadata]\nshort = true\n')
    assert merged(BINS, ours, theirs) == ours + (
        '\n# the c tool\n[[bin]]\nname = "c"\n# where\npath = "src/c.rs"  # see\n'
        '\n[bin.metadata]\nshort = true\n')


def test_an_entry_theirs_added_first_goes_before_ours() -> None:
    base = '[[bin]]\nname = "b"\n'
    ours = '# bins\n[[bin]]\nname = "b"\ntest = false  # slow\n'
    theirs = '# first\n[[bin]]\nname = "a"\n\n[[bin]]\nname = "b"\n'
    assert merged(base, ours, theirs) == (
        '# first\n[[bin]]\nname = "a"\n\n# bins\n[[bin]]\nname = "b"\ntest = false  # slow\n')


def test_a_key_theirs_changed_keeps_ours_comments() -> None:
    base = '[s]\n# the port\nport = 80  # http\nhost = "a"\n'
    ours = '[s]\n# the port\nport = 80  # http\nhost = "b"\n'
    theirs = '[s]\n# the new port\nport = 8080  # alt\nhost = "a"\nssl = true\n'
    # the lines conflict (two neighbours changed): the writer keeps ours' comments
    out = merged(base, ours, theirs)
    assert '# the port\nport = 8080  # http\n' in out and "alt" not in out


def test_a_key_theirs_deleted_takes_its_comment_lines() -> None:
    base = '[s]\na = 1\n# about b\n# more about b\nb = 2  # two\nc = 3\n'
    ours = base.replace("c = 3", "c = 4").replace("a = 1", "a = 0")
    theirs = base.replace('# about b\n# more about b\nb = 2  # two\n', "").replace(
        "a = 1", "a = 5").replace("c = 3", "c = 3\nd = 6")
    out = merged(base, ours, theirs.replace("a = 5", "a = 1"))
    assert out == '[s]\na = 0\nc = 4\nd = 6\n'


def test_a_comment_ours_edited_stays_when_theirs_deletes_its_key() -> None:
    base = '[s]\na = 1\n# about b\nb = 2\nc = 3\n'
    ours = '[s]\na = 1\n# about b: keep for v1 clients\nb = 2\nc = 4\n'
    theirs = '[s]\na = 1\nc = 3\nd = 5\n'
    assert merged(base, ours, theirs) == '[s]\na = 1\n# about b: keep for v1 clients\nc = 4\nd = 5\n'


def test_a_table_theirs_deleted_goes_with_its_comments_and_leaves_the_next_ones() -> None:
    base = '[a]\nx = 1\n\n# about b\n[b]\ny = 2\n\n# about c\n[c]\nz = 3\n'
    ours = base.replace("x = 1", "x = 1\nw = 0").replace("z = 3", "z = 3\nv = 0")
    theirs = '[a]\nx = 1\n\n# about c\n[c]\nz = 3\nu = 1\n'
    assert merged(base, ours, theirs) == (
        '[a]\nx = 1\nw = 0\n\n# about c\n[c]\nz = 3\nv = 0\nu = 1\n')


def test_an_entry_theirs_deleted_goes_with_its_comment() -> None:
    base = BINS + '\n# the b tool\n[[bin]]\nname = "b"\n\n# the c tool\n[[bin]]\nname = "c"\n'
    ours = base.replace('path = "src/a.rs"', 'path = "src/main.rs"').replace(
        'name = "c"', 'name = "c"\ntest = true')
    theirs = base.replace('\n# the b tool\n[[bin]]\nname = "b"\n', "").replace(
        'name = "c"', 'name = "c"\nbench = false')
    assert merged(base, ours, theirs) == (
        BINS.replace("src/a.rs", "src/main.rs")
        + '\n# the c tool\n[[bin]]\nname = "c"\ntest = true\nbench = false\n')


@pytest.mark.parametrize(("text", "statements"), [
    ('a = """x\n# not a comment\n[not.a.table]\n"""  # c\nb = 1\n',
     [("key", ("a",)), ("key", ("b",))]),
    ("a = '''\n[x]\n'''\nb = [\n  1,  # one\n  [2, 3],\n]\n\"q.k\".'r' = { s = \"]\" }\n",
     [("key", ("a",)), ("key", ("b",)), ("key", ("q.k", "r"))]),
    ("[[a.b]]\n[a.b.c]\nd = 1\n[[a.b]]\n[[a.b.e]]\n",
     [("array", ("a", "b", 0)), ("table", ("a", "b", 0, "c")), ("key", ("a", "b", 0, "c", "d")),
      ("array", ("a", "b", 1)), ("array", ("a", "b", 1, "e", 0))]),
    ('a = "\\"#"\r\n# c\r\n[t]\r\nb = 1\r\n', [("key", ("a",)), ("table", ("t",)), ("key", ("t", "b"))]),
])
def test_the_scanner_finds_each_statement_of_valid_toml(
        text: str, statements: list[tuple[str, tuple[object, ...]]]) -> None:
    found = [(s.kind, s.address) for s in scan(text) if s.kind not in ("blank", "comment")]
    assert found == statements
    values = tomllib.loads(text)
    for _, address in found:
        value = values
        for step in address:
            value = value[step]  # every address is a place in the value


def test_a_multiline_array_theirs_added_comes_with_the_comments_inside_it() -> None:
    base = '[project]\nname = "x"\n'
    ours = '[project]\nname = "x"\nversion = "2"  # bumped\n'
    theirs = ('[project]\nname = "x"\n# runtime\ndependencies = [\n    "httpx",  # async\n'
              '    # pinned for py3.10\n    "pydantic<3",\n]\n')
    assert merged(base, ours, theirs) == (
        '[project]\nname = "x"\nversion = "2"  # bumped\n# runtime\ndependencies = [\n'
        '    "httpx",  # async\n    # pinned for py3.10\n    "pydantic<3",\n]\n')


def test_crlf_texts_stay_crlf() -> None:
    base = CARGO.replace("\n", "\r\n")
    ours = (CARGO + '# parsing\nnom = "7"\n').replace("\n", "\r\n")
    theirs = (CARGO + '# for the CLI\nclap = "4"\n').replace("\n", "\r\n")
    assert merged(base, ours, theirs) == (
        CARGO + '# parsing\nnom = "7"\n# for the CLI\nclap = "4"\n').replace("\n", "\r\n")
