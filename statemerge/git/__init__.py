"""statemerge and git: the merge driver git runs (`driver`), installing it (`install`), and the
one place that runs git (`runner`).

Nothing is imported here: git starts the driver once per file, so it pays only for what it uses.
"""
