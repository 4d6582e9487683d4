import pytest
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from helpers.models import build_tiny_model, check_num_labels, resolve_model, tiny_vocab
from helpers.profiles import HubUnreachableError


def test_tiny_model_is_deterministic(tmp_path):
    a = build_tiny_model(tmp_path / "a")
    b = build_tiny_model(tmp_path / "b")
    assert (tmp_path / "a" / "model.safetensors").read_bytes() == (
        tmp_path / "b" / "model.safetensors"
    ).read_bytes()
    assert (tmp_path / "a" / "tokenizer.json").read_text() == (
        tmp_path / "b" / "tokenizer.json"
    ).read_text()
    assert a != b


def test_tiny_model_loads_like_a_hub_checkpoint(tiny_model):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    assert tokenizer.is_fast
    encoding = tokenizer(["Kingsreach", "said"], is_split_into_words=True)
    assert encoding.word_ids() == [None, 0, 0, 1, None]  # a rare word splits into sub-tokens
    assert "[UNK]" not in encoding.tokens()
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model, num_labels=2)
    assert model.config.num_hidden_layers == 2 and model.config.hidden_size == 64
    assert len(tokenizer) == len(tiny_vocab()) == model.config.vocab_size


def test_check_num_labels(tiny_model):
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model, num_labels=2)
    check_num_labels(model, 2)
    with pytest.raises(ValueError, match="has 3 labels but the model was built with num_labels=2"):
        check_num_labels(model, 3)


def test_resolve_model_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="has no config.json"):
        resolve_model(str(tmp_path))
    with pytest.raises(HubUnreachableError, match="bert-base-cased"):
        resolve_model("bert-base-cased", "full")


def test_sst2_words_leave_mrpc_and_conll_unchanged(tiny_model):
    """SST-2's entries are appended: every MRPC and CoNLL token keeps its id and its weights."""
    from safetensors.torch import load_file
    from transformers import BertTokenizer

    from helpers.data import load_conll2003, load_mrpc, load_sst2

    base = tiny_vocab(include_sst2=False)
    full = AutoTokenizer.from_pretrained(tiny_model)
    before = BertTokenizer(vocab={t: i for i, t in enumerate(base)}, do_lower_case=True)
    mrpc, conll = load_mrpc()["train"][:50], load_conll2003()["train"][:50]
    for tokenizer_call in (
        lambda t: t(mrpc["sentence1"], mrpc["sentence2"])["input_ids"],
        lambda t: t(conll["tokens"], is_split_into_words=True)["input_ids"],
    ):
        assert tokenizer_call(full) == tokenizer_call(before)
    sentence = load_sst2()["train"][0]["sentence"]
    assert "[UNK]" not in full.tokenize(sentence)
    assert len(full.tokenize(sentence)) < len(before.tokenize(sentence))  # whole words now
    weights = load_file(f"{tiny_model}/model.safetensors")
    assert weights["embeddings.word_embeddings.weight"].shape[0] == len(tiny_vocab())
