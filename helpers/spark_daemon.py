"""Spark's Python daemon, with what chapter 1's Spark workers need already imported.

Spark runs Python code (a pandas UDF, ``Dataset.from_spark``'s writer) in worker processes
that this daemon forks. A fresh worker imports pandas and pyarrow for a pandas UDF, and
``datasets`` when it unpickles ``from_spark``'s writer: a second or more on 2 cores, in each
worker. Imported here once, before the forks, every worker starts with them (chapter 1's
first ``from_spark``: 10.4 s without, 7.0 s with, side by side on a loaded machine,
docs/profiles.md).

``get_spark`` names this module in ``spark.python.daemon.module`` for a local master; a
cluster keeps Spark's own daemon (its workers need nothing from the kit).
"""

import datasets  # noqa: F401 - imported for the workers this daemon forks
import pandas  # noqa: F401
import pyarrow  # noqa: F401
from pyspark.daemon import manager

if __name__ == "__main__":
    manager()
