"""Spark for data that outgrows one machine: one session, label maps and label ids with Spark.

The same code runs on a laptop and on a cluster: the master URL comes from the
``COURSE_SPARK_MASTER`` environment variable (``local[2]`` when unset), for example
``spark://host:7077`` or ``yarn``. On Databricks a session already exists and
``get_spark`` returns it. Starting Spark takes seconds, so a notebook starts one session
and reuses it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.labels import check_columns, label_maps_from_values
from helpers.spark_archive import archive_to_use

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SPARK_MASTER_ENV = "COURSE_SPARK_MASTER"
DEFAULT_SPARK_MASTER = "local[2]"

_LOCAL = re.compile(r"local(?:\[(\d+|\*)(?:,\s*\d+)?\])?")


def spark_master(master: str | None = None) -> str:
    """The master URL to use: ``master``, else ``COURSE_SPARK_MASTER``, else ``local[2]``.

    >>> spark_master("local[4]")
    'local[4]'
    >>> spark_master("spark://head:7077")
    'spark://head:7077'

    Used in: ``get_spark``.
    """
    return (master or os.environ.get(SPARK_MASTER_ENV) or DEFAULT_SPARK_MASTER).strip()


def local_threads(master: str) -> int | None:
    """How many threads a ``local`` master runs, or None for a cluster master.

    >>> local_threads("local[2]"), local_threads("local"), local_threads("local[3,2]")
    (2, 1, 3)
    >>> local_threads("yarn") is None
    True

    Used in: ``spark_conf``, ``get_spark``.
    """
    match = _LOCAL.fullmatch(master.strip())
    if match is None:
        return None
    threads = match.group(1) or "1"
    return (os.cpu_count() or 1) if threads == "*" else int(threads)


# warnings and errors only, no start-up banner: see the file
LOG4J2_FILE = Path(__file__).with_name("spark_log4j2.properties")


def spark_conf(master: str, class_archive: Path | None = None) -> dict[str, str]:
    """The settings ``get_spark`` gives a new session on ``master``.

    Local masters also get settings for a few rows on one machine, and start from
    ``class_archive`` when one is given (``helpers.spark_archive``); a cluster keeps its own.

    >>> spark_conf("local[2]")["spark.sql.shuffle.partitions"]
    '2'
    >>> "spark.ui.enabled" in spark_conf("spark://head:7077")
    False

    Used in: ``get_spark``.
    """
    conf = {
        # pandas <-> Spark conversions and pandas UDFs move Arrow batches, not pickled rows
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        # the console progress bar would garble notebook output
        "spark.ui.showConsoleProgress": "false",
    }
    threads = local_threads(master)
    if threads is not None:
        conf |= {
            # the default of 200 shuffle partitions makes 200 tiny tasks out of a few rows
            "spark.sql.shuffle.partitions": str(threads),
            # no web UI port to clash with another notebook's session
            "spark.ui.enabled": "false",
            # workers forked with pandas, pyarrow and datasets already imported (a second
            # or more each): see helpers/spark_daemon.py
            "spark.python.daemon.module": "helpers.spark_daemon",
            # the quick JIT tier only: starts seconds sooner; short local jobs never need more;
            # and the kit's log settings: warnings and errors only, no start-up banner
            "spark.driver.extraJavaOptions": (
                f"-XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=file:{LOG4J2_FILE}"
            ),
        }
        if class_archive is not None:
            # the classes of an earlier start, mapped instead of loaded one by one: about
            # twice as fast a start (helpers.spark_archive)
            conf["spark.driver.extraJavaOptions"] += f" -XX:SharedArchiveFile={class_archive}"
    return conf


def spark_env(master: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment variables ``get_spark`` sets before it starts a session on ``master``.

    Local workers are processes of this machine, so they run this very Python (the one with
    the kit's packages). A cluster's own setting wins: its workers may keep Python elsewhere.

    >>> env = spark_env("local[2]", environ={"PYSPARK_PYTHON": "/usr/bin/python3"})
    >>> env["PYSPARK_PYTHON"] == sys.executable, env["SPARK_LOCAL_IP"]
    (True, '127.0.0.1')
    >>> spark_env("yarn", environ={"PYSPARK_PYTHON": "/opt/conda/bin/python"})["PYSPARK_PYTHON"]
    '/opt/conda/bin/python'

    Used in: ``get_spark``.
    """
    environ = os.environ if environ is None else environ
    if local_threads(master) is None:
        return {
            name: environ.get(name, sys.executable)
            for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")
        }
    return {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        # loopback: nothing to expose, and no warning about the host name
        "SPARK_LOCAL_IP": environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
    }


def check_java() -> None:
    """Raise a clear error when there is no Java to run Spark's driver (a JVM) on.

    Used in: ``get_spark``.
    """
    java_home = os.environ.get("JAVA_HOME")
    if (java_home and Path(java_home, "bin", "java").exists()) or shutil.which("java"):
        return
    where = f"JAVA_HOME={java_home!r} has no bin/java" if java_home else "JAVA_HOME is unset"
    raise RuntimeError(
        f"Spark needs Java 17 or later, but there is no java on PATH and {where}. Fix: install "
        "a JDK (apt-get install openjdk-17-jre-headless, brew install openjdk@17, or "
        "conda install openjdk=17) and put its bin/ on PATH or set JAVA_HOME."
    )


def _quiet_pandas_warning() -> None:
    # PySpark 4 repeats this on every pandas conversion; the conversions the kit uses are tested
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )


def get_spark(
    app_name: str = "course-kit",
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """The Spark session: the running one if there is one, else a new one on ``master``.

    A running session (Databricks starts one for each notebook) is returned as it is: its
    master and settings are the cluster's. Otherwise this checks for Java, sets
    ``spark_env(master)`` and starts a session with ``spark_conf(master)``.

    Args:
        app_name: the name Spark shows for this application.
        master: a master URL; None reads ``COURSE_SPARK_MASTER``, else ``local[2]``.
        conf: extra Spark settings for a new session; they override ``spark_conf(master)``.

    Returns:
        The session; calling again returns the same one. Its logs are quiet (level ERROR).

    Used in: 01_data_loading.
    """
    _quiet_pandas_warning()
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession()
    if running is not None:
        return running
    check_java()
    master = spark_master(master)
    os.environ.update(spark_env(master))
    builder = SparkSession.builder.master(master).appName(app_name)
    settings = spark_conf(master, class_archive=archive_to_use())
    for key, value in {**settings, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def label_maps_spark(sdf, label_column: str = "label") -> tuple[dict[int, str], dict[str, int]]:
    """``id2label`` and ``label2id`` computed by Spark: the same maps as ``label_maps``.

    Only the distinct labels reach the driver, so the table itself may be any size.

    Args:
        sdf: a Spark DataFrame with string labels in ``label_column``.
        label_column: the column holding the labels.

    Returns:
        ``(id2label, label2id)``, ids in sorted label order (see ``label_maps_from_values``).

    Raises:
        MissingColumnsError: the column is absent.
        ValueError: the table is empty, or a label is null or not a string.

    Used in: 01_data_loading (the notebook's cell is this function's twin).
    """
    check_columns(sdf, [label_column])
    # only the distinct labels travel to the driver: the table itself may be any size
    rows = sdf.select(label_column).distinct().collect()
    # sorted there, as in the pandas version, so both give the same ids
    return label_maps_from_values((row[0] for row in rows), label_column)


def labels_to_ids_udf(label2id: dict[str, int]):
    """A pandas UDF that turns a column of label strings into label ids (Spark ``int``).

    The UDF is self-contained (pandas and a copy of ``label2id``), so cluster workers need
    nothing from this kit. A label missing from ``label2id`` fails the Spark job with a
    ``ValueError`` that lists the unknown labels (Spark wraps it in a ``PythonException``).

    Args:
        label2id: from ``label_maps`` or ``label_maps_spark``.

    Returns:
        ``replace_labels_with_ids``, to use as ``sdf.select(udf(sdf.label).alias("label"))``.

    Used in: 01_data_loading (the notebook's cell is this function's twin).
    """
    from pyspark.sql.functions import pandas_udf
    from pyspark.sql.types import IntegerType

    mapping = dict(label2id)  # a plain dict travels to the workers with the function
    known = sorted(mapping)

    @pandas_udf(IntegerType())  # a type object, not "int": no session needed to parse it
    def replace_labels_with_ids(labels: pd.Series) -> pd.Series:
        ids = labels.map(mapping)
        unknown = labels[ids.isna()]
        if len(unknown):
            # label2id[x] alone would end in a bare KeyError deep in a worker's traceback
            shown = sorted({"None" if pd.isna(v) else repr(v) for v in unknown})
            raise ValueError(
                f"{len(unknown)} of {len(labels)} labels in this batch are not in label2id: "
                f"[{', '.join(shown[:5])}] (label2id knows {known[:5]}). Fix: build label2id "
                "from the whole table (label_maps_spark), or clean or drop those rows."
            )
        return ids.astype("int32")

    return replace_labels_with_ids


__all__ = [
    "DEFAULT_SPARK_MASTER",
    "SPARK_MASTER_ENV",
    "check_java",
    "get_spark",
    "label_maps_spark",
    "labels_to_ids_udf",
    "spark_conf",
    "spark_env",
    "spark_master",
]
