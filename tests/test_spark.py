"""helpers.spark: pure tests first, then one shared local[2] session for everything Spark runs."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.labels import MissingColumnsError, label_maps
from helpers.spark import (
    DEFAULT_SPARK_MASTER,
    SPARK_MASTER_ENV,
    check_java,
    get_spark,
    label_maps_spark,
    labels_to_ids_udf,
    local_threads,
    spark_conf,
    spark_env,
    spark_master,
)

# pandas 3 with PySpark 4: the conversions below are what this file checks
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


# --------------------------------------------------------------------------- no JVM needed


def test_master_from_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(SPARK_MASTER_ENV, raising=False)
    assert spark_master() == DEFAULT_SPARK_MASTER == "local[2]"
    monkeypatch.setenv(SPARK_MASTER_ENV, "spark://head:7077")
    assert spark_master() == "spark://head:7077"
    assert spark_master("local[1]") == "local[1]"


@pytest.mark.parametrize(
    ("master", "threads"),
    [
        ("local", 1),
        ("local[2]", 2),
        ("local[4, 3]", 4),
        ("local[*]", os.cpu_count()),
        ("local-cluster[2,1,1024]", None),
        ("spark://head:7077", None),
        ("yarn", None),
        ("k8s://https://api:6443", None),
    ],
)
def test_local_threads(master, threads):
    assert local_threads(master) == threads


def test_local_conf_is_small_and_cluster_conf_keeps_the_cluster_defaults():
    local, cluster = spark_conf("local[2]"), spark_conf("spark://head:7077")
    assert local["spark.sql.shuffle.partitions"] == "2"
    assert local["spark.ui.enabled"] == "false"
    for conf in (local, cluster):
        assert conf["spark.sql.execution.arrow.pyspark.enabled"] == "true"
    assert not {"spark.sql.shuffle.partitions", "spark.ui.enabled"} & set(cluster)
    # local workers fork from the kit's daemon, with pandas, pyarrow and datasets imported
    assert local["spark.python.daemon.module"] == "helpers.spark_daemon"
    assert "spark.python.daemon.module" not in cluster


def test_a_class_archive_goes_to_the_local_driver_only(tmp_path):
    archive = tmp_path / "classes.jsa"
    assert "SharedArchiveFile" not in spark_conf("local[2]")["spark.driver.extraJavaOptions"]
    options = spark_conf("local[2]", class_archive=archive)["spark.driver.extraJavaOptions"]
    assert f"-XX:SharedArchiveFile={archive}" in options.split()
    assert "-XX:TieredStopAtLevel=1" in options.split()  # the other options stay
    assert "spark.driver.extraJavaOptions" not in spark_conf("yarn", class_archive=archive)


def test_the_class_archive_is_used_when_written_for_this_java(tmp_path, monkeypatch):
    from helpers import spark_archive

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    monkeypatch.delenv(spark_archive.ARCHIVE_ENV, raising=False)
    path = spark_archive.archive_path()
    if path is None:
        pytest.skip("no Java here")
    assert path.parent == tmp_path / "spark" and spark_archive.archive_to_use() is None
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    assert spark_archive.archive_to_use() == path
    monkeypatch.setenv(spark_archive.ARCHIVE_ENV, "0")  # turned off
    assert spark_archive.archive_to_use() is None
    # another Java gets another archive: this one is not used for it
    java_home = tmp_path / "jdk"
    (java_home / "bin").mkdir(parents=True)
    (java_home / "bin" / "java").write_text("#!/bin/sh\nexit 1\n")
    monkeypatch.setenv("JAVA_HOME", str(java_home))
    monkeypatch.delenv(spark_archive.ARCHIVE_ENV)
    assert spark_archive.archive_path() not in (None, path)
    assert spark_archive.archive_to_use() is None


def test_a_java_that_cannot_write_the_archive_leaves_spark_as_it_was(tmp_path, monkeypatch, capsys):
    from helpers import spark_archive

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    java_home = tmp_path / "jdk"
    (java_home / "bin").mkdir(parents=True)
    java = java_home / "bin" / "java"
    java.write_text("#!/bin/sh\necho 'Unrecognized VM option' >&2\nexit 1\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(java_home))
    assert spark_archive.write_archive(timeout_s=120) is None
    assert "Spark class archive: not written" in capsys.readouterr().out
    assert not list((tmp_path / "spark").glob("*"))  # nothing half-written is left
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert spark_archive.write_archive() is None
    assert "no Java" in capsys.readouterr().out


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]"])
def test_local_workers_run_this_python(master):
    env = spark_env(master, environ={"PYSPARK_PYTHON": "/usr/bin/python2"})
    assert env["PYSPARK_PYTHON"] == env["PYSPARK_DRIVER_PYTHON"] == sys.executable
    assert env["SPARK_LOCAL_IP"] == "127.0.0.1"
    assert spark_env(master, environ={"SPARK_LOCAL_IP": "10.0.0.5"})["SPARK_LOCAL_IP"] == "10.0.0.5"


@pytest.mark.parametrize("master", ["spark://head:7077", "yarn"])
def test_cluster_workers_keep_their_python(master):
    env = spark_env(master, environ={"PYSPARK_PYTHON": "/databricks/python3/bin/python"})
    assert env == {
        "PYSPARK_PYTHON": "/databricks/python3/bin/python",
        "PYSPARK_DRIVER_PYTHON": sys.executable,  # unset: this Python
    }


@pytest.mark.parametrize("java_home", [None, "/opt/no-jdk"])
def test_no_java_is_a_clear_error(monkeypatch, tmp_path, java_home):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no java on PATH
    if java_home is None:
        monkeypatch.delenv("JAVA_HOME", raising=False)
    else:
        monkeypatch.setenv("JAVA_HOME", java_home)
    where = "JAVA_HOME is unset" if java_home is None else "JAVA_HOME='/opt/no-jdk' has no bin/java"
    with pytest.raises(RuntimeError, match=f"Spark needs Java 17 or later.*{where}. Fix: install"):
        check_java()


def test_java_home_alone_is_enough(monkeypatch, tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").touch()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    check_java()


# --------------------------------------------------------------------------- one local session


@pytest.fixture(scope="module")
def spark():
    """One session for this module's tests: starting Spark takes seconds. Stopped when they end
    (not when the pytest worker ends), so that no later test in the same worker, such as one
    that ends a launch's child processes, can take the JVM down under a live session."""
    try:
        check_java()
    except RuntimeError as error:
        pytest.skip(str(error))
    with pytest.MonkeyPatch.context() as env:  # get_spark sets PYSPARK_PYTHON
        for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "SPARK_LOCAL_IP"):
            env.delenv(name, raising=False)  # and restored after the run
        session = get_spark(app_name="course-kit-tests", master="local[2]")
        yield session
        session.stop()


def tickets(spark, labels):
    return spark.createDataFrame(
        pd.DataFrame({"text": [f"ticket {i}" for i in range(len(labels))], "label": labels})
    )


def test_one_session_with_the_kit_settings(spark):
    assert get_spark() is spark
    assert spark.sparkContext.master == "local[2]"
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "2"
    assert os.environ["PYSPARK_PYTHON"] == sys.executable


def test_a_running_session_is_returned_as_it_is(spark):
    # as on Databricks: another master or other settings do not touch the running session
    assert (
        get_spark(master="spark://head:7077", conf={"spark.sql.shuffle.partitions": "9"}) is spark
    )
    assert spark.conf.get("spark.sql.shuffle.partitions") == "2"


@pytest.mark.parametrize(
    "labels",
    [
        ["bug", "billing", "bug", "login"],
        ["b", "B", "a", "é", "a"],  # Spark and Python sort by code point alike
        ["only"] * 5,
    ],
)
def test_spark_and_pandas_label_maps_agree(spark, labels):
    frame = pd.DataFrame({"text": ["x"] * len(labels), "label": labels})
    assert label_maps_spark(spark.createDataFrame(frame)) == label_maps(frame)


def test_spark_label_maps_of_an_empty_table(spark):
    empty = spark.createDataFrame([], "text string, label string")
    with pytest.raises(ValueError, match="holds no labels: the table is empty"):
        label_maps_spark(empty)


def test_spark_label_maps_with_a_null_label(spark):
    sdf = spark.createDataFrame([("a", "bug"), ("b", None)], "text string, label string")
    with pytest.raises(ValueError, match=r"missing \(null\) labels.*dropna\(subset=\['label'\]\)"):
        label_maps_spark(sdf)


def test_spark_label_maps_refuse_ids(spark):
    sdf = spark.createDataFrame([("a", 0), ("b", 1)], "text string, label int")
    with pytest.raises(ValueError, match=r"non-string labels \[0, 1\]"):
        label_maps_spark(sdf)


def test_spark_label_maps_without_the_column(spark):
    sdf = spark.createDataFrame([("a", "bug")], "text string, category string")
    with pytest.raises(MissingColumnsError) as error:
        label_maps_spark(sdf)
    assert "sdf.withColumnsRenamed({'category': 'label'})" in str(error.value)


def test_udf_turns_labels_into_ids(spark):
    labels = ["bug", "billing", "login", "bug"] * 3
    sdf = tickets(spark, labels)
    id2label, label2id = label_maps_spark(sdf)
    replace_labels_with_ids = labels_to_ids_udf(label2id)
    ids_sdf = sdf.select(sdf.text, replace_labels_with_ids(sdf.label).alias("label"))
    assert dict(ids_sdf.dtypes)["label"] == "int"
    rows = ids_sdf.orderBy("text").toPandas()
    expected = sdf.orderBy("text").toPandas()["label"].tolist()
    assert [id2label[i] for i in rows["label"]] == expected


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        (["bug", "refund", "refund"], "not in label2id: ['refund']"),
        (["bug", None], "not in label2id: [None]"),
    ],
)
def test_udf_names_unknown_labels_through_spark(spark, labels, shown):
    from pyspark.errors import PythonException

    sdf = tickets(spark, labels).coalesce(1)  # one batch: the counts below are per batch
    replace_labels_with_ids = labels_to_ids_udf({"billing": 0, "bug": 1})
    with pytest.raises(PythonException) as error:
        sdf.select(replace_labels_with_ids(sdf.label)).collect()
    message = str(error.value)
    assert "ValueError: " in message
    assert f"of {len(labels)} labels in this batch are {shown}" in message
    assert "(label2id knows ['billing', 'bug'])" in message
    assert "Fix: build label2id from the whole table (label_maps_spark)" in message


def test_from_spark_writes_arrow_files_into_cache_dir(spark, tmp_path):
    from datasets import ClassLabel, Dataset, Features, Value

    sdf = tickets(spark, ["bug", "billing", "login", "bug"]).coalesce(1)  # one Arrow file
    id2label, label2id = label_maps_spark(sdf)
    ids_sdf = sdf.select(sdf.text, labels_to_ids_udf(label2id)(sdf.label).alias("label"))
    features = Features({"text": Value("string"), "label": ClassLabel(names=list(label2id))})
    dataset = Dataset.from_spark(ids_sdf, features=features, cache_dir=str(tmp_path))
    assert dataset.num_rows == ids_sdf.count()
    assert dataset.features["label"].names == ["billing", "bug", "login"]
    assert all(f["filename"].startswith(str(tmp_path)) for f in dataset.cache_files)
    assert sorted(dataset["label"]) == sorted(
        label2id[x] for x in ["bug", "billing", "login", "bug"]
    )


@pytest.mark.xfail(
    strict=True,
    reason="datasets <= 5.2 cannot move shards out of working_dir (NameError: shutil; "
    "huggingface/datasets#8668). When this passes, use working_dir in 01_data_loading.",
)
def test_from_spark_with_a_working_dir(spark, tmp_path):
    from datasets import Dataset

    (tmp_path / "work").mkdir()
    sdf = tickets(spark, ["bug", "billing"])
    dataset = Dataset.from_spark(
        sdf, cache_dir=str(tmp_path / "cache"), working_dir=str(tmp_path / "work")
    )
    assert dataset.num_rows == 2


# The one line Java prints as Spark 4 starts, which chapter 1's section 7 names as harmless
# (PySpark 3.5 prints none): a new line here means that text is out of date.
EXPLAINED_START_LINES = {"WARNING: Using incubator modules: jdk.incubator.vector"}


def unexplained_start_lines(stderr: str) -> list[str]:
    return [
        line for line in stderr.splitlines() if line.strip() not in EXPLAINED_START_LINES | {""}
    ]


def test_the_written_class_archive_maps_into_sparks_jvm(tmp_path):
    """``make venv`` wrote the archive; Spark's own driver maps it: with ``-Xshare:on`` the JVM
    refuses to start when it cannot (a copy with a byte changed is refused)."""
    from helpers import spark_archive

    archive = spark_archive.archive_to_use()
    if archive is None:
        pytest.skip("no Spark class archive here: make venv writes it")
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from helpers.spark import get_spark, spark_conf\n"
        "options = spark_conf('local[1]', class_archive=Path(sys.argv[1]))\n"
        "options = options['spark.driver.extraJavaOptions'] + ' -Xshare:on'\n"
        "spark = get_spark(master='local[1]', conf={'spark.driver.extraJavaOptions': options})\n"
        "print('rows', spark.range(3).count())\n"
    )

    def start(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=180
        )

    started = start(archive)
    assert "rows 3" in started.stdout
    # what a learner sees in red as Spark starts: only the line chapter 1's section 7 explains
    assert unexplained_start_lines(started.stderr) == []
    broken = tmp_path / "broken.jsa"
    data = bytearray(archive.read_bytes()[: 1 << 20])  # the header and the first classes
    data[8] ^= 0xFF
    broken.write_bytes(bytes(data))
    refused = start(broken)
    assert refused.returncode != 0 and "rows 3" not in refused.stdout
    assert unexplained_start_lines(refused.stderr)  # Java's refusal is not what the text names


def test_only_the_explained_start_line_is_let_through():
    assert unexplained_start_lines("WARNING: Using incubator modules: jdk.incubator.vector\n") == []
    assert (
        unexplained_start_lines("25/12/06 WARN NativeCodeLoader: Unable to load native-hadoop")
        != []
    )
