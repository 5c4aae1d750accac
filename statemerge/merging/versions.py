"""Ordering version strings for `strategy: max`/`min` with `compare: semver` or `compare: version`.

`semver`: Semantic Versioning 2.0.0 precedence (a leading `v` allowed; build metadata ignored).
`version`: PEP 440 (epochs, pre-, post- and dev-releases, local versions), which also orders
plain dotted numbers (`1.2.10` after `1.2.9`).

>>> version_key("semver", "1.10.0") > version_key("semver", "1.9.3")
True
>>> version_key("semver", "2.0.0-rc.1") < version_key("semver", "2.0.0")
True
>>> version_key("version", "1.0.post1") > version_key("version", "1.0") > version_key("version", "1.0rc1")
True
"""

from __future__ import annotations

import re
from typing import Any

COMPARISONS = ("semver", "version")

_SEMVER = re.compile(
    r"[vV]?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?\Z")
_PEP440 = re.compile(
    r"v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d+)?)?"
    r"(?:-(?P<post_n1>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>\d+)?)?"
    r"(?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>\d+)?)?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\Z", re.IGNORECASE)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}


class NotAVersion(ValueError):
    """A string that the comparison does not read as a version."""


def version_key(compare: str, text: str) -> tuple[Any, ...]:
    """A sort key: versions order as their keys do; NotAVersion for other strings."""
    if compare == "semver":
        return _semver_key(text)
    return _pep440_key(text)


def _semver_key(text: str) -> tuple[Any, ...]:
    match = _SEMVER.match(text.strip())
    if match is None:
        raise NotAVersion(f"{text!r} is not a semantic version.")
    major, minor, patch, pre = match.groups()
    core = (int(major), int(minor), int(patch))
    if pre is None:
        return (*core, 1, ())
    parts = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in pre.split("."))
    return (*core, 0, parts)


def _pep440_key(text: str) -> tuple[Any, ...]:
    match = _PEP440.match(text.strip())
    if match is None:
        raise NotAVersion(f"{text!r} is not a version (PEP 440 or dotted numbers).")
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    pre_l, dev_l = match["pre_l"], match["dev_l"]
    post_n = match["post_n1"] or match["post_n2"]
    has_post = match["post_n1"] is not None or match["post_l"] is not None
    if pre_l is not None:
        pre: tuple[int, int] = (_PRE[pre_l.lower()], int(match["pre_n"] or 0))
    elif dev_l is not None and not has_post:
        pre = (-1, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (3, 0)  # a final release comes after its pre-releases
    post = int(post_n or 0) if has_post else -1
    dev = int(match["dev_n"] or 0) if dev_l is not None else 1 << 62
    local = tuple((1, int(part), "") if part.isdigit() else (0, 0, part.lower())
                  for part in re.split(r"[-_.]", match["local"])) if match["local"] else ()
    return (int(match["epoch"] or 0), release, pre, post, dev, local)
