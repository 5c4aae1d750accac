"""pyproject.toml in the form current setuptools builds without deprecation warnings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import statemerge

PYPROJECT = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    project = tomllib.loads(PYPROJECT.read_text())
    assert project["project"]["license"] == "MIT"  # a table is deprecated since setuptools 77
    assert "setuptools>=77" in project["build-system"]["requires"]


def test_the_version_has_one_source() -> None:
    project = tomllib.loads(PYPROJECT.read_text())
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "statemerge.__version__"
    }
    assert statemerge.__version__
