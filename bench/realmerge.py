"""Real-merge benchmark (issues 9, 12): replay the YAML, JSON, JSONC/JSON5 and TOML files of real
merge commits.

Mines merge commits from git repositories on disk (the bare mirrors under /work/.mirror/*/, paths
on the command line, or $STATEMERGE_BENCH_REPOS, separated by `:`), takes every such file both
parents changed since the merge base, and replays base/ours/theirs through `statemerge merge` and
`git merge-file -p`. Each result is compared with the file that was committed: equal as bytes,
equal as data (PyYAML's safe loader and ruamel's YAML 1.2 safe loader both read the same value;
JSON: json; JSONC/JSON5: pyjson5; TOML: tomllib), conflict (exit 1), clean but different, error,
timeout. The headline lists every scenario where git's clean result equals the commit (bytes,
hence data) but statemerge's does not.

A `.json` file that is JSON with comments by name (tsconfig*.json, .vscode/*.json,
devcontainer.json: statemerge's own list) is replayed as `.jsonc`, as the git driver reads it; any
other `.json` file that only a JSON5 reader reads is JSONC too (statemerge detects it).

Scenario files go to a cache outside the repository (never committed): <cache>/<repo>/<merge>-<n>/
{base,ours,theirs,committed}.<ext>, the two results, info.json; and <cache>/summary.json.

    python bench/realmerge.py [REPO...] [--cache DIR] [--formats toml,jsonc] [--max-scenarios N]
    python bench/realmerge.py --replay --cache DIR --statemerge OTHER/.venv/bin/statemerge
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # as a script: bench/yaml.py must not hide PyYAML's `yaml`
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

EXTENSIONS = (".yaml", ".yml", ".json", ".jsonc", ".json5", ".toml")
FAMILIES = {"yaml": "yaml", "yml": "yaml", "json": "json", "jsonc": "jsonc", "json5": "jsonc", "toml": "toml"}
OUTCOMES = ("bytes", "data", "conflict", "different", "error", "timeout")
MIRRORS = os.environ.get("STATEMERGE_MIRRORS", "/work/.mirror")
DEFAULT_CACHE = Path("/tmp/statemerge-realmerge")


def git(repo: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {repo}: {done.stderr.decode().strip()}")
    return done.stdout


def find_repositories(given: list[str], mirrors: str) -> list[Path]:
    """Git directories: those given, else $STATEMERGE_BENCH_REPOS, else every mirror."""
    candidates = given or [p for p in os.environ.get("STATEMERGE_BENCH_REPOS", "").split(":") if p]
    if not candidates:
        candidates = [str(p) for p in sorted(Path(mirrors).glob("*/repo"))]
        candidates += [str(p) for p in sorted(Path(mirrors).glob("*/")) if (p / "HEAD").is_file()]
    found = []
    for candidate in candidates:
        done = subprocess.run(["git", "-C", candidate, "rev-parse", "--absolute-git-dir"],
                              capture_output=True, text=True, check=False)
        if done.returncode == 0:
            found.append(Path(done.stdout.strip()))
        else:
            print(f"realmerge: {candidate}: not a git repository; skipped.")
    return found


def repository_name(git_dir: Path) -> str:
    """`owner+name` for a mirror (<mirrors>/owner+name/repo), else the folder's name."""
    folder = git_dir.parent if git_dir.name in ("repo", ".git") else git_dir
    return folder.name.removesuffix(".git")


def file_format(path: str) -> str:
    """yaml, json, jsonc, json5 or toml, as statemerge names the format of a file path."""
    from statemerge.documents.formats import detect_format

    return detect_format(path)


# -- reading as data -------------------------------------------------------------------------

def _tagged(tag: str | None, value: object) -> dict[str, object]:
    return {f"<{tag}>": value}  # a custom tag (!Ref, !secret) compares by tag and value


def _pyyaml_loader() -> Any:
    import yaml

    class Loader(yaml.CSafeLoader):
        pass

    def construct(loader: Any, suffix: str, node: Any) -> object:
        if isinstance(node, yaml.MappingNode):
            return _tagged(node.tag, loader.construct_mapping(node, deep=True))
        if isinstance(node, yaml.SequenceNode):
            return _tagged(node.tag, loader.construct_sequence(node, deep=True))
        return _tagged(node.tag, loader.construct_scalar(node))

    Loader.add_multi_constructor("!", construct)
    return Loader


def _ruamel_reader() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    def construct(constructor: Any, suffix: str, node: Any) -> object:
        if isinstance(node, MappingNode):
            return _tagged(node.tag, constructor.construct_mapping(node, deep=True))
        if isinstance(node, SequenceNode):
            return _tagged(node.tag, constructor.construct_sequence(node, deep=True))
        return _tagged(node.tag, constructor.construct_scalar(node))

    class Constructor(SafeConstructor):  # a subclass: ruamel's own constructors stay untouched
        pass

    Constructor.add_multi_constructor("!", construct)
    reader = YAML(typ="safe", pure=True)
    reader.Constructor = Constructor
    reader.allow_duplicate_keys = True
    return reader


class Readers:
    """A document as data under both readers: (PyYAML 1.1 value, ruamel 1.2 value), or None."""

    def __init__(self) -> None:
        self.pyyaml = _pyyaml_loader()
        self.ruamel = _ruamel_reader()
        self.lock = threading.Lock()  # a ruamel YAML object is not safe to share across threads

    def read(self, text: bytes, fmt: str, both: bool = True) -> tuple[object, object] | None:
        """Both readers' values (`both=False`: PyYAML's only, twice, as a quick validity check)."""
        with self.lock:
            return self._read(text, fmt, both)

    def _read(self, text: bytes, fmt: str, both: bool) -> tuple[object, object] | None:
        try:
            if fmt in ("json", "jsonc", "json5", "toml"):
                value = read_plain(text, fmt)
                return value, value
            import yaml

            first = list(yaml.load_all(text, Loader=self.pyyaml))
            second = list(self.ruamel.load_all(text.decode("utf-8"))) if both else first
            return first, second
        except Exception:  # any reader failing means: not a valid document
            return None


def read_plain(text: bytes, fmt: str) -> object:
    """A JSON, JSONC/JSON5 (pyjson5: comments, trailing commas) or TOML (tomllib) document."""
    if fmt == "toml":
        import tomllib

        return tomllib.loads(text.decode("utf-8"))
    if fmt in ("jsonc", "json5"):
        import pyjson5

        return pyjson5.decode(text.decode("utf-8"))
    return json.loads(text)


def same(a: object, b: object) -> bool:
    """Equal as data, types included (True is not 1, 1 is not 1.0), key order ignored."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN equals NaN here


# -- mining ----------------------------------------------------------------------------------

def blob(repo: Path, commit: str, path: str) -> bytes | None:
    done = subprocess.run(["git", "--git-dir", str(repo), "cat-file", "blob", f"{commit}:{path}"],
                          capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def changed_files(repo: Path, base: str, side: str) -> set[str]:
    pathspecs = [f"*{ext}" for ext in EXTENSIONS]
    out = git(repo, "diff", "--no-renames", "--name-only", "-z", base, side, "--", *pathspecs)
    return {name for name in out.decode("utf-8", "replace").split("\0") if name}


def merges(repo: Path, limit: int) -> Iterator[tuple[str, str, str]]:
    """(merge, first parent, second parent), newest first, over branches and tags (not the
    refs/pull/* merges GitHub makes by itself)."""
    out = git(repo, "rev-list", "--merges", "--branches", "--tags", "--date-order", "--parents",
              f"--max-count={limit}")
    for line in out.decode().splitlines():
        fields = line.split()
        if len(fields) == 3:  # octopus merges are not three-way
            yield fields[0], fields[1], fields[2]


def readable(texts: dict[str, bytes | None], fmt: str, readers: Readers) -> bool:
    return all(readers.read(text, fmt, both=False) is not None for text in texts.values() if text)


def mine(repo: Path, folder: Path, args: argparse.Namespace, readers: Readers,
         skipped: Counter[str]) -> list[dict[str, Any]]:
    """Write up to args.max_scenarios scenarios of `repo` into `folder`; their info records."""
    scenarios: list[dict[str, Any]] = []
    per_path: Counter[str] = Counter()
    for merge, ours, theirs in merges(repo, args.max_merges):
        try:
            bases = subprocess.run(["git", "--git-dir", str(repo), "merge-base", "--all", ours,
                                    theirs], capture_output=True, text=True).stdout.split()
            if len(bases) != 1:  # none (unrelated histories), or criss-cross: a virtual base
                skipped["no single merge base"] += 1
                continue
            paths = sorted(changed_files(repo, bases[0], ours)
                           & changed_files(repo, bases[0], theirs))
        except RuntimeError as error:
            print(f"realmerge: {error}; merge skipped.")
            continue
        taken = 0
        for path in paths:
            if taken >= args.per_merge or len(scenarios) >= args.max_scenarios:
                break
            named = file_format(path)
            json_maybe_jsonc = named == "json" and "jsonc" in args.formats
            if per_path[path] >= args.per_path or not (
                    FAMILIES[named] in args.formats or json_maybe_jsonc):
                continue
            texts = {side: blob(repo, commit, path) for side, commit in
                     (("base", bases[0]), ("ours", ours), ("theirs", theirs),
                      ("committed", merge))}
            if texts["ours"] is None or texts["theirs"] is None or texts["committed"] is None:
                skipped["deleted on a side or in the merge"] += 1
                continue
            if texts["ours"] == texts["theirs"]:
                skipped["same change on both sides"] += 1
                continue
            if max(len(text or b"") for text in texts.values()) > args.max_bytes:
                skipped[f"larger than {args.max_bytes} bytes"] += 1
                continue
            fmt = named
            if fmt == "json" and not readable(texts, fmt, readers) and readable(
                    texts, "jsonc", readers):
                fmt = "jsonc"  # comments or trailing commas in a .json file (statemerge detects)
            if FAMILIES[fmt] not in args.formats:
                continue
            if not readable(texts, fmt, readers):
                skipped[f"not valid {fmt.upper()} (templates, ...)"] += 1
                continue
            ext = ".jsonc" if named == "jsonc" else Path(path).suffix  # as the git driver reads it
            scenario = folder / f"{merge[:12]}-{taken}"
            scenario.mkdir(parents=True, exist_ok=True)
            for side, text in texts.items():
                (scenario / f"{side}{ext}").write_bytes(text or b"")
            info = {"repo": repository_name(repo), "commit": merge, "path": path, "ext": ext,
                    "format": fmt,
                    "base": bases[0], "ours": ours, "theirs": theirs, "dir": str(scenario)}
            (scenario / "info.json").write_text(json.dumps(info, indent=2) + "\n")
            scenarios.append(info)
            per_path[path] += 1
            taken += 1
        if len(scenarios) >= args.max_scenarios:
            break
    return scenarios


# -- replaying -------------------------------------------------------------------------------

def classify(code: int | None, output: bytes, committed: bytes, fmt: str, readers: Readers,
             expected: dict[str, tuple[object, object] | None]) -> str:
    """The outcome of one tool; `expected` memoises the committed file's data."""
    if code is None:
        return "timeout"
    if code == 1:
        return "conflict"
    if code != 0:
        return "error"
    if output == committed:
        return "bytes"
    merged = readers.read(output, fmt)
    if "value" not in expected:
        expected["value"] = readers.read(committed, fmt)
    if merged is not None and expected["value"] is not None and all(
            same(a, b) for a, b in zip(merged, expected["value"], strict=True)):
        return "data"
    return "different"


def run(command: list[str], cwd: Path, timeout: float, stdout: Path | None = None
        ) -> tuple[int | None, str, float]:
    """Exit code (None: timed out), the first line of stderr, seconds."""
    start = time.perf_counter()
    try:
        with open(stdout, "wb") if stdout else open(os.devnull, "wb") as sink:
            done = subprocess.run(command, cwd=cwd, stdout=sink, stderr=subprocess.PIPE,
                                  timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f}s", time.perf_counter() - start
    message = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return done.returncode, (message[0] if message else ""), time.perf_counter() - start


def replay(info: dict[str, Any], statemerge: str, timeout: float, readers: Readers,
           name: str = "statemerge") -> dict[str, Any]:
    """Run both tools on one scenario folder; the info record with their outcomes. The results
    are written in a private folder first, then copied beside the scenario as `<name>.<ext>` and
    `git.<ext>` (another run may be replaying the same cache)."""
    folder, ext = Path(info["dir"]), info["ext"]
    fmt = info.get("format") or file_format(ext)  # caches mined before issue 12 have no format
    committed = (folder / f"committed{ext}").read_bytes()
    expected: dict[str, tuple[object, object] | None] = {}
    sides = [f"base{ext}", f"ours{ext}", f"theirs{ext}"]
    result = dict(info)
    with tempfile.TemporaryDirectory(prefix="realmerge-") as private:
        outputs = {tool: Path(private) / f"{tool}{ext}" for tool in ("statemerge", "git")}
        runs = {
            "statemerge": run([statemerge, "merge", *sides, "-o", str(outputs["statemerge"]),
                               "-q"], folder, timeout),
            "git": run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs",
                        sides[1], sides[0], sides[2]], folder, timeout, stdout=outputs["git"]),
        }
        for tool, (code, message, seconds) in runs.items():
            if tool == "git" and code is not None and code > 0:  # conflicts (<= 127) or error
                code = 1 if code < 128 else 2
            output = outputs[tool].read_bytes() if outputs[tool].exists() else b""
            result[tool] = {"outcome": classify(code, output, committed, fmt, readers, expected),
                            "exit": code, "message": message, "seconds": round(seconds, 3)}
            (folder / f"{name if tool == 'statemerge' else tool}{ext}").write_bytes(output)
    return result


def replay_all(scenarios: list[dict[str, Any]], args: argparse.Namespace, readers: Readers
               ) -> list[dict[str, Any]]:
    """Replay each repository's scenarios in order until its time budget is spent."""
    results: list[dict[str, Any]] = []
    by_repo: dict[str, list[dict[str, Any]]] = {}
    for info in scenarios:
        by_repo.setdefault(info["repo"], []).append(info)
    for repo, infos in by_repo.items():
        deadline = time.monotonic() + args.budget
        with ThreadPoolExecutor(args.jobs) as pool:
            def one(info: dict[str, Any], deadline: float = deadline) -> dict[str, Any] | None:
                if time.monotonic() > deadline:
                    return None
                return replay(info, args.statemerge, args.timeout, readers, args.name)
            done = [r for r in pool.map(one, infos) if r is not None]
        if len(done) < len(infos):
            print(f"realmerge: {repo}: time budget ({args.budget:.0f}s) spent; "
                  f"{len(infos) - len(done)} scenarios not run.")
        results += done
    return results


# -- report ----------------------------------------------------------------------------------

def family(result: dict[str, Any]) -> str:
    """yaml, json, jsonc (with JSON5) or toml: the format a scenario is counted under."""
    return FAMILIES[result.get("format") or file_format(result["ext"])]


def report(results: list[dict[str, Any]], skipped: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    """Print the per-repository table and the headline; return the scenarios worse than git."""
    head = " ".join(f"{name[:5]:>5}" for name in OUTCOMES)
    print(f"{'repository':<40} {'scen':>5} | statemerge: {head} | git: {head}")
    repos = sorted({r["repo"] for r in results} | set(skipped))
    families = sorted({family(r) for r in results})
    totals: dict[str, Counter[str]] = {"statemerge": Counter(), "git": Counter()}
    for repo in [*repos, *(f"TOTAL {name}" for name in families), "TOTAL"]:
        rows = [r for r in results if repo in (r["repo"], f"TOTAL {family(r)}", "TOTAL")]
        counts = {tool: Counter(r[tool]["outcome"] for r in rows) for tool in totals}
        cells = {tool: " ".join(f"{counts[tool][name]:>5}" for name in OUTCOMES) for tool in counts}
        print(f"{repo:<40} {len(rows):>5} | statemerge: {cells['statemerge']} | "
              f"git: {cells['git']}")
    for repo, reasons in sorted(skipped.items()):
        if reasons:
            print(f"  {repo} skipped: " + ", ".join(f"{n} {why}" for why, n in reasons.items()))
    worse = [r for r in results
             if r["git"]["outcome"] == "bytes" and r["statemerge"]["outcome"] != "bytes"]
    better = [r for r in results if r["statemerge"]["outcome"] in ("bytes", "data")
              and r["git"]["outcome"] not in ("bytes", "data")]
    print(f"\nWORSE THAN GIT: {len(worse)} of {len(results)} scenarios (git's clean result equals "
          f"the commit as bytes and data; statemerge's does not)")
    for r in worse:
        sm = r["statemerge"]
        note = f": {sm['message']}" if sm["message"] else ""
        print(f"  {r['repo']} {r['commit'][:12]} {r['path']}  [{sm['outcome']}{note}]  {r['dir']}")
    print(f"better than git (statemerge equals the commit, git does not): {len(better)}")
    return worse


def format_names(text: str) -> set[str]:
    names = set(text.split(","))
    if not names <= set(FAMILIES):
        raise argparse.ArgumentTypeError(f"unknown format in {text!r}: use {', '.join(FAMILIES)}")
    return {FAMILIES[name] for name in names}


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    default_statemerge = Path(sys.executable).with_name("statemerge")
    parser = argparse.ArgumentParser(prog="bench/realmerge.py", description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="*", help="git repositories (default: $STATEMERGE_BENCH_"
                        f"REPOS, else {MIRRORS}/*/)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="scenario folder")
    parser.add_argument("--summary", type=Path, help="where to write summary.json "
                        "(default: in --cache)")
    parser.add_argument("--replay", action="store_true",
                        help="rerun the scenarios already in --cache instead of mining")
    parser.add_argument("--statemerge", default=os.environ.get("STATEMERGE_BIN") or (
        str(default_statemerge) if default_statemerge.exists() else "statemerge"),
        help="the statemerge CLI to run (default: $STATEMERGE_BIN, else this venv's)")
    parser.add_argument("--name", default="statemerge", help="file name of statemerge's result "
                        "in each scenario folder (to keep the results of several builds)")
    parser.add_argument("--mirrors", default=MIRRORS, help="folder of fetched mirrors")
    parser.add_argument("--formats", default=",".join(sorted(set(FAMILIES.values()))),
                        type=format_names,
                        help="formats to mine or replay, comma-separated (default: all; json5 is jsonc)")
    parser.add_argument("--max-scenarios", type=int, default=40, help="per repository")
    parser.add_argument("--per-merge", type=int, default=3, help="files per merge commit")
    parser.add_argument("--per-path", type=int, default=20, help="scenarios per file path")
    parser.add_argument("--max-merges", type=int, default=3000, help="merges looked at per repo")
    parser.add_argument("--max-bytes", type=int, default=1_000_000, help="largest file replayed")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per tool run")
    parser.add_argument("--budget", type=float, default=600, help="seconds of replay per repo")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Mine (or reload) the scenarios, replay them, print the table and write summary.json."""
    args = parse_arguments(argv or [])
    args.statemerge = str(Path(shutil.which(args.statemerge) or args.statemerge).absolute())
    cache = args.cache.resolve()
    if cache.is_relative_to(HERE.parent):
        sys.exit(f"realmerge: the cache {cache} is inside the repository; mined files are "
                 "never committed: choose a folder outside it.")
    readers = Readers()
    skipped: dict[str, Counter[str]] = {}
    summary_path = args.summary or cache / "summary.json"
    if args.replay:
        scenarios = [  # where they are now (a copied cache replays into the copy)
            {**json.loads(path.read_text()), "dir": str(path.parent)}
            for path in sorted(cache.glob("*/*/info.json"))]
        scenarios = [info for info in scenarios
                     if FAMILIES[info["ext"].lstrip(".")] in args.formats]
        mined = cache / "summary.json"
        if mined.exists():  # what mining skipped, for the report
            previous = json.loads(mined.read_text()).get("skipped", {})
            skipped = {repo: Counter(reasons) for repo, reasons in previous.items()}
    else:
        repos = find_repositories(args.repos, args.mirrors)
        if not repos:
            print(f"realmerge: no git repositories to mine (none given, $STATEMERGE_BENCH_REPOS "
                  f"unset, no mirrors in {args.mirrors}); skipped.")
            return
        scenarios = []
        for repo in repos:
            name = repository_name(repo)
            shutil.rmtree(cache / name, ignore_errors=True)
            skipped[name] = Counter()
            found = mine(repo, cache / name, args, readers, skipped[name])
            print(f"realmerge: {name}: {len(found)} scenarios mined", flush=True)
            scenarios += found
    if not scenarios:
        print(f"realmerge: no scenarios (cache {cache}); skipped.")
        return
    print(f"statemerge: {args.statemerge}\n")
    results = replay_all(scenarios, args, readers)
    worse = report(results, skipped)
    summary = {"statemerge": args.statemerge, "scenarios": results,
               "skipped": {repo: dict(reasons) for repo, reasons in skipped.items()},
               "worse_than_git": [r["dir"] for r in worse]}
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"scenarios in {cache}; summary in {summary_path}")


if __name__ == "__main__":
    main(sys.argv[1:])
