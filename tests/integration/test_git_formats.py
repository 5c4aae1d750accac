"""The driver under real `git merge` for TOML and JSON with comments: both branches add a
dependency to Cargo.toml and a path to tsconfig.json; git alone conflicts, statemerge merges."""

from __future__ import annotations

from gitrepo import GitRepo

CARGO = '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\n# runtime\nserde = "1"\n'
TSCONFIG = '{\n  "compilerOptions": {\n    "strict": true, // always\n  },\n}\n'


def test_both_branches_add_a_dependency_and_a_compiler_option(repo: GitRepo) -> None:
    repo.branches(
        {"Cargo.toml": CARGO, "tsconfig.json": TSCONFIG},
        {"Cargo.toml": CARGO + 'rand = "0.8"\n',
         "tsconfig.json": TSCONFIG.replace("// always\n", '// always\n    "noEmit": true,\n')},
        {"Cargo.toml": CARGO + 'anyhow = "1"\n',
         "tsconfig.json": TSCONFIG.replace("// always\n", '// always\n    "jsx": "react", // web\n')},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.read("Cargo.toml") == CARGO + 'rand = "0.8"\nanyhow = "1"\n'
    assert repo.read("tsconfig.json") == (
        '{\n  "compilerOptions": {\n    "strict": true, // always\n    "noEmit": true,\n'
        '    "jsx": "react", // web\n  },\n}\n')


PYPROJECT = '[project]\nname = "x"\n\n[tool.black]\nline-length = 88\n'
BINS = '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n\n[[bin]]\nname = "a"\n'


def test_what_the_other_branch_added_to_toml_keeps_its_comments(repo: GitRepo) -> None:
    """Both branches add at the same spot (git alone conflicts in each file): a dependency, a
    `[tool.*]` table, a `[[bin]]` entry; theirs' come with the comments written above and
    beside them, ours' text stays as it was."""
    import tomllib

    ours = {
        "Cargo.toml": BINS.replace('serde = "1"\n', 'serde = "1"\n# parsing\nnom = "7"\n')
        + '\n# the b tool\n[[bin]]\nname = "b"  # bee\n',
        "pyproject.toml": PYPROJECT + '\n# lint settings\n[tool.ruff]\nline-length = 100\n'}
    theirs = {
        "Cargo.toml": BINS.replace('serde = "1"\n', 'serde = "1"\n# for the CLI\nclap = "4"  # v4\n')
        + '\n# the c tool\n[[bin]]\nname = "c"\n# not on windows\ntest = false\n',
        "pyproject.toml": PYPROJECT + '\n# test settings\n[tool.pytest.ini_options]\n'
                                      '# quiet\naddopts = "-q"  # less\n'}
    repo.branches({"Cargo.toml": BINS, "pyproject.toml": PYPROJECT}, ours, theirs)

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.read("Cargo.toml") == BINS.replace(
        'serde = "1"\n', 'serde = "1"\n# parsing\nnom = "7"\n# for the CLI\nclap = "4"  # v4\n'
    ) + ('\n# the b tool\n[[bin]]\nname = "b"  # bee\n'
         '\n# the c tool\n[[bin]]\nname = "c"\n# not on windows\ntest = false\n')
    assert repo.read("pyproject.toml") == ours["pyproject.toml"] + (
        '\n# test settings\n[tool.pytest.ini_options]\n# quiet\naddopts = "-q"  # less\n')
    cargo = tomllib.loads(repo.read("Cargo.toml"))
    assert set(cargo["dependencies"]) == {"serde", "nom", "clap"}
    assert [b["name"] for b in cargo["bin"]] == ["a", "b", "c"]
