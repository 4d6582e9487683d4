"""The kit's offline ``f1`` metric module (see its script)."""
