"""Rendering for people and machines: the only package that imports rich and deepdiff.

One module per command family: `merge` (the conflict report), `diff`, `check`, `log` and `store`
(contention stats). Each imports rich and deepdiff inside the functions that draw, so a command
that prints nothing fancy never loads them. `crdt` commands print plain JSON/YAML and need none.
"""
