"""`make bench` / `python -m bench [NAME...]`: run every benchmark module's main() (or the named
ones). Each prints ratios against a floor and peers measured in the same run.
`python -m bench NAME --option ...` runs one benchmark with its own options (`--help` lists them).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Run the benchmarks named on the command line, or all of them."""
    from bench._timing import byte_compile_package

    byte_compile_package()  # every benchmark times statemerge as installed, not its compiling
    words = sys.argv[1:]
    options = next((index for index, word in enumerate(words) if word.startswith("-")), None)
    if options is not None:  # one benchmark, with its own options
        if options != 1:
            sys.exit("usage: python -m bench [NAME...] | python -m bench NAME --option ...")
        sys.argv = [f"bench/{words[0]}.py", *words[1:]]
        benchmark = importlib.import_module(f"bench.{words[0]}").main
        benchmark(words[1:]) if benchmark.__code__.co_argcount else benchmark()
        return
    names = words or sorted(
        path.stem for path in HERE.glob("*.py") if not path.stem.startswith("_")
    )
    for name in names:
        print(f"\n### bench/{name}.py", flush=True)
        importlib.import_module(f"bench.{name}").main()


main()
