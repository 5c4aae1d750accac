"""statemerge and git: the merge driver git runs (`driver`) and installing it (`install`).

Nothing is imported here: git starts the driver once per file, so it pays only for what it uses.
"""
