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
