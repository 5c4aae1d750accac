"""`make bench` / `python -m bench [NAME...]`: run every benchmark module's main() (or the named
ones). Each prints ratios against a floor and peers measured in the same run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Run the benchmarks named on the command line, or all of them."""
    names = sys.argv[1:] or sorted(
        path.stem for path in HERE.glob("*.py") if not path.stem.startswith("_")
    )
    for name in names:
        print(f"\n### bench/{name}.py", flush=True)
        importlib.import_module(f"bench.{name}").main()


main()
