"""The language of the texts the kit prints: ``COURSE_LANG`` and one gettext catalogue per language.

Learner-facing texts are written in English in the code and wrapped in ``_("...")``;
``python -m tools.translations`` collects them into ``translations/templates/runtime.pot``
and translators fill ``translations/<lang>/runtime.po``. This module reads that ``.po`` file
directly (no compiled ``.mo`` to keep in step) and answers ``_(message)`` in the language:

1. ``COURSE_LANG`` when it is set (``en`` forces English; ``zh``, ``zh-CN`` and ``zh-Hans``
   all mean ``zh_Hans``); an unknown code gives English and one warning that says the fix;
2. else the language of the notebook that runs: a translated chapter lives in
   ``notebooks/<lang>/``, and Jupyter, VS Code, nbval and ``make course`` start its kernel
   there (Colab, which has no folder, reads the notebook's ``course_kit.lang`` metadata);
3. else English.

So a translated notebook's code cells stay byte for byte the English ones: the language comes
from where the notebook is, not from its code. Messages are ``str.format`` templates with
named fields (``_("Profile: {name}").format(name=...)``), which a translator may reorder.
Untranslated and fuzzy entries print the English text.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The kit's languages and their own names (what a language menu shows).
LANGUAGES = {
    "en": "English",
    "pl": "Polski",
    "ja": "日本語",
    "ru": "Русский",
    "zh_Hans": "简体中文",
    "hi": "हिन्दी",
}
DEFAULT_LANG = "en"
# Simplified Chinese is a script, not a country: zh_Hans (as CLDR, Babel and Weblate write
# it) covers the mainland and Singapore alike; the usual spellings of it all lead there.
ALIASES = {"zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_sg": "zh_Hans", "zh_hans": "zh_Hans"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
RUNTIME_DOMAIN = "runtime"

_warned: set[str] = set()


class LanguageFallbackWarning(UserWarning):
    """A language was asked for that the kit cannot show; English is used instead."""


def normalize_lang(code: str | None) -> str | None:
    """The kit's code for a language tag, or None when the kit has no such language.

    >>> normalize_lang("pl_PL"), normalize_lang("zh-CN"), normalize_lang("ZH-Hans"), normalize_lang("en")
    ('pl', 'zh_Hans', 'zh_Hans', 'en')
    >>> normalize_lang("xx") is None
    True

    Used in: ``course_lang`` and ``tools/translations`` (every translated notebook).
    """
    tag = (code or "").strip().replace("-", "_").split(".")[0]
    if not tag:
        return None
    if tag.lower() in ALIASES:
        return ALIASES[tag.lower()]
    if tag in LANGUAGES:
        return tag
    base = tag.split("_")[0].lower()
    if base == "zh":
        return "zh_Hans" if tag.lower().split("_")[1:2] in (["hans"], ["cn"], ["sg"]) else None
    return base if base in LANGUAGES else None


def lang_of_path(path: str | os.PathLike | None) -> str | None:
    """The language of a translated notebook's path or folder (``notebooks/<lang>/...``).

    >>> lang_of_path("course/notebooks/ja/01_data_loading.ipynb"), lang_of_path("/x/notebooks/hi")
    ('ja', 'hi')
    >>> lang_of_path("course/notebooks/01_data_loading.ipynb") is None
    True

    Used in: ``course_lang`` (every translated notebook).
    """
    if not path:
        return None
    path = Path(path)
    for folder in (path, path.parent):
        if folder.parent.name == "notebooks" and folder.name in LANGUAGES:
            return folder.name
    return None


@lru_cache(maxsize=1)
def _colab_notebook_lang() -> str | None:
    # Colab runs every notebook in /content: ask the front end for the notebook's metadata.
    try:
        from google.colab import _message  # type: ignore[import-not-found]

        notebook = _message.blocking_request("get_ipynb", timeout_sec=5) or {}
        meta = notebook.get("ipynb", {}).get("metadata", {}).get("course_kit", {})
        return normalize_lang(meta.get("lang"))
    except Exception:  # noqa: BLE001 - no answer means "not known", never an error
        return None


def notebook_lang() -> str | None:
    """The language of the running notebook, from its path, its folder or its metadata.

    Used in: ``course_lang`` (every translated notebook).
    """
    get_shell = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_shell() if callable(get_shell) else None
    user_ns = getattr(shell, "user_ns", {}) or {}
    for hint in (user_ns.get("__vsc_ipynb_file__"), os.environ.get("JPY_SESSION_NAME")):
        if lang := lang_of_path(hint):
            return lang
    if "google.colab" in sys.modules and (lang := _colab_notebook_lang()):
        return lang
    return lang_of_path(os.getcwd())


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, LanguageFallbackWarning, stacklevel=3)


def course_lang() -> str:
    """The language printed texts use: ``COURSE_LANG``, else the notebook's, else English.

    Used in: ``gettext`` (every notebook, through ``helpers.setup``'s banner).
    """
    asked = os.environ.get("COURSE_LANG", "").strip()
    if asked:
        lang = normalize_lang(asked)
        if lang is None:
            _warn_once(
                f"lang:{asked}",
                f"COURSE_LANG={asked!r} is not one of the kit's languages "
                f"({', '.join(LANGUAGES)}); printed texts stay in English. Fix: set "
                "COURSE_LANG to one of those codes, or unset it.",
            )
            return DEFAULT_LANG
        return lang
    return notebook_lang() or DEFAULT_LANG


def translations_dir() -> Path:
    """Where the catalogues are: ``COURSE_TRANSLATIONS_DIR``, else the kit's ``translations/``."""
    return Path(os.environ.get("COURSE_TRANSLATIONS_DIR") or TRANSLATIONS_DIR)


@dataclass(frozen=True)
class Catalogue:
    """One language's up-to-date translations: plain messages, plural ones, and the rule."""

    messages: dict[str, str]
    # (singular, plural) -> the forms, in the order of the language's Plural-Forms
    plurals: dict[tuple[str, str], list[str]]
    plural: Callable[[int], int]


def plural_rule(header: str | None) -> Callable[[int], int]:
    """The index of the plural form for a count, from a catalogue's ``Plural-Forms`` header.

    >>> polish = plural_rule("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
    ...     "(n%100<10 || n%100>=20) ? 1 : 2);")
    >>> [polish(n) for n in (1, 2, 5, 12, 21, 22, 25)]
    [0, 1, 2, 2, 2, 1, 2]
    >>> plural_rule(None)(1), plural_rule(None)(2)
    (0, 1)

    Used in: ``ngettext`` (every message with a count).
    """
    match = re.search(r"plural\s*=\s*([^;]+)", header or "")
    if not match:
        return lambda n: int(n != 1)  # English, and what gettext assumes without a header
    # gettext's own translator of the C expression (it accepts nothing but arithmetic on n)
    return stdlib_gettext.c2py(match.group(1).strip())


@lru_cache(maxsize=32)
def _read_catalogue(path: Path, mtime_ns: int) -> Catalogue:
    import polib

    messages: dict[str, str] = {}
    plurals: dict[tuple[str, str], list[str]] = {}
    po = polib.pofile(str(path))
    for entry in po:
        if entry.fuzzy or entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in sorted(entry.msgstr_plural)]
            if forms and all(forms):
                plurals[entry.msgid, entry.msgid_plural] = forms
        elif entry.msgstr:
            messages[entry.msgid] = entry.msgstr
    return Catalogue(messages, plurals, plural_rule(po.metadata.get("Plural-Forms")))


def _catalogue(lang: str, domain: str = RUNTIME_DOMAIN) -> Catalogue | None:
    if lang == DEFAULT_LANG:
        return None
    path = translations_dir() / lang / f"{domain}.po"
    if not path.is_file():
        _warn_once(
            f"file:{path}",
            f"no catalogue {path} for COURSE_LANG={lang!r}: printed texts stay in English. "
            "Fix: run from a clone of the kit, or point COURSE_TRANSLATIONS_DIR at its "
            "translations/ folder.",
        )
        return None
    return _read_catalogue(path, path.stat().st_mtime_ns)


def catalogue(lang: str, domain: str = RUNTIME_DOMAIN) -> dict[str, str]:
    """The translated, up-to-date messages of one language: ``{english: translation}``.

    A language without a catalogue file (an install without ``translations/``) gives ``{}``
    and one warning: its texts print in English.

    Used in: ``gettext`` and ``tools/translations`` (the notebooks' markers).
    """
    found = _catalogue(lang, domain)
    return found.messages if found else {}


def gettext(message: str) -> str:
    """``message`` in the language of ``course_lang()`` when translated, else unchanged.

    >>> gettext("Profile: {name} ({expected}).").format(name="embedded", expected="seconds")
    'Profile: embedded (seconds).'

    Used in: every learner-facing text the kit prints (``helpers.profiles.banner``, ...).
    """
    if not message:
        return message
    return catalogue(course_lang()).get(message, message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message with a count ``n`` in the learner's language (gettext's ngettext).

    Polish and Russian have three forms (1, 2-4, 5+, with 21, 22, 25 following their last
    digits), Hindi two, Japanese and Chinese one; the catalogue's ``Plural-Forms`` header
    says which form a count takes. Untranslated: English, ``singular`` for 1.

    >>> ngettext("{n} row", "{n} rows", 2).format(n=2)
    '2 rows'

    Used in: the classroom's messages with a count, ``helpers.profiles.banner``.
    """
    found = _catalogue(course_lang())
    forms = found.plurals.get((singular, plural)) if found else None
    if not forms:
        return singular if n == 1 else plural
    index = found.plural(n)
    return forms[index] if 0 <= index < len(forms) else forms[-1]


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "mark only"
    """Mark ``message`` for the catalogue without translating it now (gettext's ``N_``).

    >>> N_("seconds per chapter on any CPU")
    'seconds per chapter on any CPU'

    Used in: ``helpers.profiles`` (texts kept in data, translated when shown).
    """
    return message


def language_note() -> str:
    """One line saying which language printed texts use and how to switch; "" for English.

    Used in: ``helpers.profiles.banner`` (every notebook).
    """
    lang = course_lang()
    if lang == DEFAULT_LANG:
        return ""
    return _("Printed texts: {language} (COURSE_LANG={code}; COURSE_LANG=en for English).").format(
        language=LANGUAGES[lang], code=lang
    )


__all__ = [
    "LANGUAGES",
    "LanguageFallbackWarning",
    "N_",
    "course_lang",
    "gettext",
    "lang_of_path",
    "language_note",
    "ngettext",
    "normalize_lang",
]
