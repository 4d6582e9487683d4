"""The kit's own ``evaluate`` metric modules: load one with ``evaluate.load(<its folder>)``.

Each folder holds a script named like the folder, as ``evaluate`` expects of a local module.
They are packages too only so that pytest imports them under unique names (a bare
``seqeval.py`` on ``sys.path`` would hide the seqeval library).
"""
