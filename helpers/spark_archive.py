"""A class archive for Spark's driver: a local session starts in about half the time.

Most of a local Spark start is the JVM loading and verifying the same ten thousand classes
every time. Java (13 and later) can write the classes a run loaded into an archive
(``-XX:ArchiveClassesAtExit``, "AppCDS") and map them from it on the next start
(``-XX:SharedArchiveFile``). Measured on 2 cores: a session and its first query 9.6 s
without, 4.2 s with (docs/profiles.md).

``python -m helpers.spark_archive`` writes the archive: it starts a session that runs what
chapter 1 runs (a pandas table, a distinct, a pandas UDF, ``Dataset.from_spark``), then stops
it, so that the archive holds those classes. ``make venv`` runs it once (20 to 60 s on 2 cores).
``get_spark`` uses the archive when it exists and matches this Java and this PySpark;
otherwise Spark starts as it always did. ``COURSE_SPARK_CLASS_ARCHIVE=0`` turns it off.
The archive lives in the kit's cache (``COURSE_CACHE``, else ``~/.cache/ft-course-kit``),
about 150 MB.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ARCHIVE_ENV = "COURSE_SPARK_CLASS_ARCHIVE"
WRITE_TIMEOUT_S = 300


def java_binary() -> Path | None:
    """The ``java`` Spark will run: ``$JAVA_HOME/bin/java``, else the one on PATH, else None."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").exists():
        return Path(java_home, "bin", "java").resolve()
    found = shutil.which("java")
    return Path(found).resolve() if found else None


def spark_home() -> Path | None:
    """The Spark installation PySpark starts: ``$SPARK_HOME``, else PySpark's own folder."""
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    try:
        import pyspark
    except ImportError:
        return None
    return Path(pyspark.__file__).parent


def archive_path() -> Path | None:
    """Where the archive for this Java and this Spark lives, or None without either.

    The name hashes what the archive depends on: the Java binary (path, size, time) and the
    Spark jars (names). A new Java or a new PySpark gets a new archive; the old one is
    simply not used.
    """
    from helpers.models import cache_root

    java, home = java_binary(), spark_home()
    if java is None or home is None or not (home / "jars").is_dir():
        return None
    stat = java.stat()
    jars = sorted(p.name for p in (home / "jars").glob("*.jar"))
    key = "|".join([str(java), str(stat.st_size), str(stat.st_mtime_ns), str(home), *jars])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_root() / "spark" / f"classes-{digest}.jsa"


def archive_to_use() -> Path | None:
    """The archive ``get_spark`` starts a local session with, or None (none written, or off)."""
    if os.environ.get(ARCHIVE_ENV, "1") == "0":
        return None
    path = archive_path()
    return path if path is not None and path.is_file() else None


def _workload(spark) -> None:
    """What chapter 1 runs, on a few rows: the classes the archive should hold."""
    import pandas as pd
    from datasets import ClassLabel, Dataset, Features, Value

    from helpers.spark import label_maps_spark, labels_to_ids_udf

    table = pd.DataFrame({"text": [f"row {i}" for i in range(8)], "label": ["a", "b"] * 4})
    sdf = spark.createDataFrame(table)
    _, label2id = label_maps_spark(sdf)
    labelled = sdf.select(sdf.text, labels_to_ids_udf(label2id)(sdf.label).alias("label"))
    labelled.show(2)
    features = Features({"text": Value("string"), "label": ClassLabel(names=list(label2id))})
    with tempfile.TemporaryDirectory() as cache_dir:
        dataset = Dataset.from_spark(labelled, features=features, cache_dir=cache_dir)
        assert dataset.num_rows == labelled.count() == len(table)


def _dump(target: Path) -> None:
    """Run the workload in a session whose JVM writes ``target`` when it exits (child process)."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    from helpers.spark import spark_conf, spark_env

    os.environ.update(spark_env("local[2]"))
    conf = spark_conf("local[2]")
    conf["spark.driver.extraJavaOptions"] += f" -XX:ArchiveClassesAtExit={target}"
    builder = SparkSession.builder.master("local[2]").appName("course-kit-class-archive")
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    _workload(spark)
    gateway = SparkContext._gateway
    spark.stop()
    # the JVM exits when its stdin closes, and writes the archive as it exits
    process = getattr(gateway, "proc", None)
    gateway.shutdown()
    if process is not None:
        process.stdin.close()
        process.wait(timeout=WRITE_TIMEOUT_S)


def write_archive(timeout_s: float = WRITE_TIMEOUT_S) -> Path | None:
    """Write the archive for this Java and Spark (20 to 60 s); return it, or None and why.

    A machine without Java or PySpark, or a Java that cannot write archives (before 13, or
    without its own base archive), gets a message and None: Spark still works without.
    """
    target = archive_path()
    if target is None:
        print("Spark class archive: no Java or no PySpark here; Spark is not used then")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.stem}.{os.getpid()}.partial")
    command = [sys.executable, "-m", "helpers.spark_archive", "--dump", str(partial)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        partial.unlink(missing_ok=True)
        print(f"Spark class archive: not written, the session took over {timeout_s:.0f} s")
        return None
    if done.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"Spark class archive: not written ({last}); Spark starts without it")
        return None
    partial.replace(target)  # atomic: a session starting now sees all of it or nothing
    print(f"Spark class archive: {target} ({target.stat().st_size / 2**20:.0f} MB)")
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--dump"] and len(argv) == 2:
        _dump(Path(argv[1]))
        return 0
    if argv:
        print("usage: python -m helpers.spark_archive", file=sys.stderr)
        return 2
    write_archive()
    return 0


if __name__ == "__main__":
    sys.exit(main())
