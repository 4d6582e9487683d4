"""The kit's offline ``seqeval`` metric module (see its script)."""
