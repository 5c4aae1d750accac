"""Rendering for people and machines: the only package that imports rich and deepdiff.

One module per command family (merge, diff, check, crdt, log, store); each imports rich lazily.
"""
