"""The kit's offline ``accuracy`` metric module (see its script)."""
