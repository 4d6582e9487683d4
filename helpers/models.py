"""Model checkpoints: the tiny offline BERT, and resolving a profile's model to something loadable.

The embedded profile trains a tiny BERT (2 layers, hidden size 64) with a real fast WordPiece
tokenizer. It is built here, deterministically and in under a second, into a cache folder, and
the notebooks load it with the ordinary ``AutoTokenizer.from_pretrained(path)`` /
``AutoModelFor...from_pretrained(path)`` calls they would use for a Hub id.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from helpers.profiles import EMBEDDED_DIR, TINY_MODEL_ID, Profile, is_local, require_hub

TINY_MODEL_VERSION = 2  # 2: SST-2's words appended to the vocabulary
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Word pieces that split longer words, so that word_ids() shows continuation sub-tokens
SUFFIXES = ["s", "es", "ed", "ing", "er", "ers", "ly", "ion", "ation", "al", "ity", "ment", "ness"]
MAX_WHOLE_WORD = 7  # longer words are split into pieces, as real WordPiece vocabularies do


def cache_root() -> Path:
    """Where the kit keeps what it builds: ``COURSE_CACHE`` or ``~/.cache/ft-course-kit``."""
    return Path(os.environ.get("COURSE_CACHE") or Path.home() / ".cache" / "ft-course-kit")


def tiny_model_dir() -> Path:
    """The folder of the tiny offline model (built on first use by ``build_tiny_model``)."""
    return cache_root() / f"tiny-bert-uncased-v{TINY_MODEL_VERSION}"


def _corpus_words(text_columns: tuple[str, ...] = ("sentence1", "sentence2")) -> list[str]:
    words: list[str] = []
    for path in sorted(EMBEDDED_DIR.glob("*/*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = " ".join(row.get("tokens") or [row.get(c, "") for c in text_columns])
            words.extend(re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]", text.lower()))
    return words


def _vocab_entries(counts: Counter) -> list[str]:
    chars = sorted({c for w in counts for c in w} | set("abcdefghijklmnopqrstuvwxyz0123456789"))
    words = sorted(w for w in counts if 1 < len(w) <= MAX_WHOLE_WORD)
    # a long word enters as two halves, so it becomes a word and a "##" continuation
    halves = sorted(
        {
            p
            for w in counts
            if len(w) > MAX_WHOLE_WORD
            for p in (w[: len(w) // 2], "##" + w[len(w) // 2 :])
        }
    )
    pieces = [f"##{c}" for c in chars] + [f"##{s}" for s in SUFFIXES] + halves
    return SPECIAL_TOKENS + chars + pieces + words


def tiny_vocab(include_sst2: bool = True) -> list[str]:
    """The tiny model's WordPiece vocabulary, derived from the embedded corpus.

    Special tokens, every character (alone and as a ``##`` continuation), common suffixes,
    the corpus's short words, and its long words as two halves, so that they split into
    sub-tokens as real WordPiece vocabularies split rare words. SST-2's entries come last, so
    that every MRPC and CoNLL token keeps the id it had before SST-2 joined the corpus.

    >>> v = tiny_vocab()
    >>> v[:5], "the" in v, "##ing" in v, "dull" in v
    (['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'], True, True, True)
    >>> tiny_vocab(include_sst2=False) == v[: len(tiny_vocab(include_sst2=False))]
    True
    """
    base = _vocab_entries(Counter(_corpus_words()))
    sst2 = _vocab_entries(Counter(_corpus_words(("sentence",)))) if include_sst2 else []
    return list(dict.fromkeys(base + sst2))


def build_tiny_model(path: str | Path | None = None, force: bool = False) -> str:
    """Build the tiny offline BERT and its fast tokenizer into ``path``; return the folder.

    Deterministic (fixed seed and vocabulary); written to a temporary folder first and moved
    into place, so two processes building at once do not see half a model.

    Used in: ``model_checkpoint`` (every notebook on the embedded profile), tests.
    """
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    target = Path(path) if path else tiny_model_dir()
    if (target / "config.json").is_file() and not force:
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        vocab = {token: i for i, token in enumerate(tiny_vocab())}
        # transformers 5: BertTokenizer is the fast (Rust) tokenizer and takes the vocab itself
        tokenizer = BertTokenizer(vocab=vocab, do_lower_case=True, model_max_length=128)
        config = BertConfig(
            vocab_size=len(tiny_vocab(include_sst2=False)),
            hidden_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=128,
            max_position_embeddings=128,
        )
        torch.manual_seed(0)
        model = BertModel(config)
        # SST-2's rows are added after the others were drawn: the MRPC and CoNLL weights stay
        # exactly those of the model built before SST-2 was part of the corpus
        model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
        with torch.no_grad():
            model.get_input_embeddings().weight[config.vocab_size :].normal_(
                0.0, config.initializer_range
            )
        out = Path(tmp) / "model"
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
        if force and target.exists():
            shutil.rmtree(target)
        try:
            os.replace(out, target)
        except OSError:
            if not (target / "config.json").is_file():  # another process did not win the race
                raise
    return str(target)


def resolve_model(source: str, profile: str | None = None) -> str:
    """A loadable checkpoint for ``source``: the tiny model's folder, a local folder, or a Hub id.

    Raises a clear error when a local folder lacks ``config.json`` or a Hub id cannot be
    reached, before ``from_pretrained`` would retry for a long time.

    Used in: ``model_checkpoint``, ``helpers.train``.
    """
    if source == TINY_MODEL_ID:
        return build_tiny_model()
    if is_local(source):
        folder = Path(source).expanduser()
        if not (folder / "config.json").is_file():
            raise FileNotFoundError(
                f"model folder {str(folder)!r} has no config.json. Fix: pass a folder written by "
                "save_pretrained (config.json, weights and tokenizer files), or a Hub id."
            )
        return str(folder)
    require_hub(f"the model {source!r}", profile)
    return source


def model_checkpoint(profile: Profile, task: str) -> str:
    """The checkpoint a chapter fine-tunes under ``profile``: ``task`` is "mrpc" or "ner".

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner, ``helpers.train``.
    """
    if task not in ("mrpc", "ner"):
        raise ValueError(f"task must be 'mrpc' or 'ner', got {task!r}")
    source = profile.mrpc_model if task == "mrpc" else profile.ner_model
    return resolve_model(source, profile.name)


def check_num_labels(model, num_labels: int, what: str = "the dataset") -> None:
    """Refuse a model whose classification head does not match the data's number of labels.

    On a GPU the mismatch shows up late as "CUDA error: device-side assert triggered"; on a
    CPU as an index error deep in the loss. This says what is wrong before training starts.

    Used in: 02_mrpc_trainer, 03_training_loop, 04_ner, ``helpers.train``.
    """
    have = model.config.num_labels
    if have != num_labels:
        raise ValueError(
            f"{what} has {num_labels} labels but the model was built with num_labels={have}. "
            f"Fix: load it with num_labels={num_labels} (or id2label/label2id with "
            f"{num_labels} entries), adding ignore_mismatched_sizes=True when the checkpoint "
            "already has a head of another size."
        )


__all__ = [
    "TINY_MODEL_ID",
    "build_tiny_model",
    "check_num_labels",
    "model_checkpoint",
    "resolve_model",
]
