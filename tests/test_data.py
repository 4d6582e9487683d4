from collections import Counter

import pytest

import helpers.data
from helpers.data import label_names_of, load_conll2003, load_mrpc, load_sst2, sst2_source
from helpers.data_files import DataFormatError, read_conll_file, read_mrpc_file
from helpers.data_size import bytes2human, print_dataset_size_if_provided
from helpers.profiles import EMBEDDED_DIR, HubUnreachableError, get_profile
from helpers.schema import (
    CONLL_SPLIT_SIZES,
    MRPC_SPLIT_SIZES,
    NER_NAMES,
    conll_features,
    mrpc_features,
    sst2_features,
)

MRPC_HEADER = "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
CONLL_TEXT = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
"""


def write_mrpc(
    folder, rows=("1\t1\t2\tA cat sat .\tThe cat sat .", '0\t3\t4\tIt " rains .\tIt snows .')
):
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("train.tsv", "dev.tsv", "msr_paraphrase_test.txt"):
        (folder / name).write_text(MRPC_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


def write_conll(folder, text=CONLL_TEXT):
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("train.txt", "valid.txt", "test.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- embedded


def test_embedded_mrpc_has_the_hub_schema():
    raw_datasets = load_mrpc()
    assert list(raw_datasets) == ["train", "validation", "test"]
    assert raw_datasets["train"].features == mrpc_features()
    assert raw_datasets["train"][0]["idx"] == 0


def test_embedded_conll_has_the_hub_schema():
    raw_datasets = load_conll2003()
    assert list(raw_datasets) == ["train", "validation", "test"]
    assert raw_datasets["train"].features == conll_features()
    example = raw_datasets["train"][0]
    assert len(example["tokens"]) == len(example["ner_tags"]) == len(example["pos_tags"])


def test_embedded_sizes_are_announced_by_the_card(capsys):
    sizes = print_dataset_size_if_provided(str(EMBEDDED_DIR / "glue"), "mrpc")
    assert sizes is not None and sizes[0] > 0
    assert capsys.readouterr().out.startswith("download_size=")


def test_size_not_provided_branch(capsys):
    files = str(EMBEDDED_DIR / "glue" / "mrpc" / "train.jsonl")
    assert print_dataset_size_if_provided("json", data_files=files) is None
    assert "not provided" in capsys.readouterr().out


def test_size_of_a_hub_dataset_offline_is_a_clear_error():
    with pytest.raises(HubUnreachableError, match="stanfordnlp/imdb"):
        print_dataset_size_if_provided("stanfordnlp/imdb")


# --------------------------------------------------------------------------- real-format files


def test_read_mrpc_file_keeps_quotes_and_strips_the_bom(tmp_path):
    folder = write_mrpc(tmp_path / "mrpc")
    columns = read_mrpc_file(folder / "train.tsv")
    assert columns["sentence1"] == ["A cat sat .", 'It " rains .']
    assert columns["label"] == [1, 0]
    assert columns["idx"] == [0, 1]


def test_load_mrpc_from_a_parent_folder(tmp_path):
    write_mrpc(tmp_path / "mrpc")
    raw_datasets = load_mrpc(str(tmp_path))
    assert raw_datasets["validation"].features["label"].names == ["not_equivalent", "equivalent"]
    assert len(raw_datasets["test"]) == 2


def test_read_conll_file_skips_docstart_and_maps_tags(tmp_path):
    folder = write_conll(tmp_path / "conll2003")
    columns = read_conll_file(folder / "train.txt")
    assert columns["tokens"] == [["EU", "rejects", "German", "call", "."], ["Peter", "Blackburn"]]
    assert [NER_NAMES[i] for i in columns["ner_tags"][0]] == ["B-ORG", "O", "B-MISC", "O", "O"]
    assert columns["id"] == ["0", "1"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("EU NNP B-NP", "line 3: expected 4 space-separated fields"),
        ("EU NNP B-NP B-XYZ", "line 3: unknown ner tag 'B-XYZ'"),
        ("EU QQ B-NP B-ORG", "line 3: unknown pos tag 'QQ'"),
    ],
)
def test_corrupt_conll_line_is_named(tmp_path, line, message):
    text = CONLL_TEXT.replace("EU NNP B-NP B-ORG", line)
    folder = write_conll(tmp_path / "conll2003", text)
    with pytest.raises(DataFormatError, match=message):
        load_conll2003(str(folder))


@pytest.mark.parametrize(
    "row, message",
    [
        ("1\t1\t2\tonly four", "line 2: expected 5 tab-separated fields, got 4"),
        ("x\t1\t2\ta\tb", "line 2: Quality must be 0 or 1, got 'x'"),
    ],
)
def test_corrupt_mrpc_line_is_named(tmp_path, row, message):
    folder = write_mrpc(tmp_path / "mrpc", rows=(row,))
    with pytest.raises(DataFormatError, match=message):
        load_mrpc(str(folder))


def test_folder_without_the_expected_files(tmp_path):
    (tmp_path / "dev.tsv").write_text(MRPC_HEADER)
    with pytest.raises(
        FileNotFoundError, match=r"lacks train.tsv \(train\), msr_paraphrase_test.txt"
    ):
        load_mrpc(str(tmp_path))


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_conll2003(str(tmp_path / "nowhere"))


def test_empty_split_is_refused(tmp_path):
    folder = write_mrpc(tmp_path / "mrpc")
    (folder / "dev.tsv").write_text(MRPC_HEADER, encoding="utf-8")
    with pytest.raises(DataFormatError, match="split 'validation' .* is empty"):
        load_mrpc(str(folder))


def test_hub_id_offline_is_a_clear_error():
    with pytest.raises(HubUnreachableError, match="nyu-mll/glue"):
        load_mrpc("nyu-mll/glue")


def test_label_names_of():
    raw_datasets = load_conll2003()
    assert label_names_of(raw_datasets["train"], "ner_tags") == NER_NAMES
    with pytest.raises(KeyError, match="column 'labels' not in the dataset"):
        label_names_of(raw_datasets["train"], "labels")
    with pytest.raises(TypeError, match="not ClassLabel"):
        label_names_of(raw_datasets["train"], "id")


def test_bytes2human_matches_psutil_style():
    assert bytes2human(1024) == "1.0K"
    assert bytes2human(0) == "0B"


# --------------------------------------------------------------------------- real data tier


def entity_counts(dataset):
    counts = Counter()
    for tags in dataset["ner_tags"]:
        counts.update(NER_NAMES[t][2:] for t in tags if NER_NAMES[t].startswith("B-"))
    return counts


@pytest.mark.realdata
def test_real_mrpc(real_data):
    raw_datasets = load_mrpc(str(real_data / "mrpc"))
    assert {k: len(v) for k, v in raw_datasets.items()} == MRPC_SPLIT_SIZES
    assert raw_datasets["train"].features == mrpc_features()
    assert Counter(raw_datasets["train"]["label"]) == {1: 2474, 0: 1194}
    assert Counter(raw_datasets["validation"]["label"]) == {1: 279, 0: 129}
    assert Counter(raw_datasets["test"]["label"]) == {1: 1147, 0: 578}
    assert raw_datasets["train"][0]["sentence1"].startswith("Amrozi accused his brother")


@pytest.mark.realdata
def test_real_conll(real_data):
    raw_datasets = load_conll2003(str(real_data))  # the parent folder works too
    assert {k: len(v) for k, v in raw_datasets.items()} == CONLL_SPLIT_SIZES
    assert raw_datasets["train"].features == conll_features()
    expected = {
        "train": {"PER": 6600, "ORG": 6321, "LOC": 7140, "MISC": 3438},
        "validation": {"PER": 1842, "ORG": 1341, "LOC": 1837, "MISC": 922},
        "test": {"PER": 1617, "ORG": 1661, "LOC": 1668, "MISC": 702},
    }
    for split, counts in expected.items():
        assert entity_counts(raw_datasets[split]) == counts, split
    assert sum(len(t) for t in raw_datasets["train"]["tokens"]) == 203621
    assert raw_datasets["train"][0]["ner_tags"] == [3, 0, 7, 0, 0, 0, 7, 0, 0]


# --------------------------------------------------------------------------- SST-2

SST2_TRAIN = "sentence\tlabel\nhide nothing from the units \t0\nit 's a \" quoted journey . \t1\n"
SST2_TEST = "index\tsentence\n0\tan unlabelled line . \n1\tanother one \n"


def write_sst2(folder, train=SST2_TRAIN, test=SST2_TEST):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.tsv").write_text(train, encoding="utf-8")
    (folder / "dev.tsv").write_text(train, encoding="utf-8")
    if test is not None:
        (folder / "test.tsv").write_text(test, encoding="utf-8")
    return folder


def test_embedded_sst2_has_the_hub_schema():
    raw_datasets = load_sst2()
    assert list(raw_datasets) == ["train", "validation", "test"]
    assert raw_datasets["train"].features == sst2_features()
    assert raw_datasets["train"].features["label"].names == ["negative", "positive"]
    assert set(raw_datasets["test"]["label"]) == {-1}  # hidden, as on the Hub
    assert set(raw_datasets["train"]["label"]) == {0, 1}
    assert raw_datasets["train"][0]["sentence"].endswith(" ")  # SST-2 keeps a trailing space


def test_load_sst2_from_a_glue_folder(tmp_path):
    write_sst2(tmp_path / "SST-2")
    raw_datasets = load_sst2(str(tmp_path))  # the parent of SST-2/, as GLUE unpacks
    assert raw_datasets["train"].features == sst2_features()
    assert raw_datasets["train"]["sentence"] == [
        "hide nothing from the units ",
        "it 's a \" quoted journey . ",
    ]
    assert raw_datasets["validation"]["label"] == [0, 1]
    assert raw_datasets["test"]["label"] == [-1, -1] and raw_datasets["test"]["idx"] == [0, 1]


def test_load_sst2_without_test_tsv(tmp_path):
    raw_datasets = load_sst2(str(write_sst2(tmp_path / "SST-2", test=None)))
    assert list(raw_datasets) == ["train", "validation"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("text\tlabel\na \t0\n", "line 1 should be the header"),
        ("sentence\tlabel\na \t2\n", "line 2: label must be 0"),
        ("sentence\tlabel\na \t1\textra\n", "line 2: expected 2 tab-separated fields, got 3"),
    ],
)
def test_corrupt_sst2_file_is_named(tmp_path, text, message):
    folder = write_sst2(tmp_path / "SST-2", train=text)
    with pytest.raises(DataFormatError, match=message):
        load_sst2(str(folder))


def test_sst2_needs_train_and_dev(tmp_path):
    folder = write_sst2(tmp_path / "SST-2")
    (folder / "dev.tsv").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks dev.tsv \(validation\)"):
        load_sst2(str(folder))


def test_sst2_from_the_hub_offline_is_a_clear_error():
    with pytest.raises(HubUnreachableError, match="SST-2"):
        load_sst2("nyu-mll/glue")


def test_sst2_source_follows_the_profile(tmp_path, monkeypatch):
    assert sst2_source(get_profile("embedded")) == str(EMBEDDED_DIR / "glue")
    monkeypatch.setattr(helpers.data, "hub_reachable", lambda: True)
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    assert sst2_source(get_profile("laptop")) == "nyu-mll/glue"
    write_mrpc(tmp_path / "mrpc")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    # real MRPC files but no SST-2 folder: SST-2 still comes from the Hub's GLUE repository
    assert sst2_source(get_profile("full")) == "nyu-mll/glue"
    write_sst2(tmp_path / "SST-2")
    assert sst2_source(get_profile("full")) == str(tmp_path / "SST-2")


def test_sst2_offline_without_its_files_falls_back_to_the_toy_reviews(
    tmp_path, monkeypatch, capsys
):
    """Real MRPC files, no SST-2 folder, no Hub: the exercises get the toy reviews and their
    target, with one message that says how to get the real data; never a Hub error."""
    from helpers.classroom import sst2

    write_mrpc(tmp_path / "mrpc")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "laptop")
    monkeypatch.setattr(helpers.data, "hub_reachable", lambda: False)
    assert sst2_source(get_profile("laptop")) == str(helpers.data.EMBEDDED_SST2)
    assert sst2_source(get_profile("laptop")) == str(helpers.data.EMBEDDED_SST2)
    said = capsys.readouterr().out
    assert said.count("SST-2 folder (train.tsv, dev.tsv) in COURSE_DATA_DIR") == 1
    assert len(load_sst2()["validation"]) == len(
        load_sst2(str(EMBEDDED_DIR / "glue"))["validation"]
    )
    assert sst2.target() == sst2.TARGETS["embedded"]
    write_sst2(tmp_path / "SST-2")  # with the real files, the laptop target holds
    assert sst2.target() == sst2.TARGETS["laptop"]
