"""The kit's offline ``glue`` metric module (see its script)."""
