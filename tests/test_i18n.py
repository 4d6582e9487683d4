"""``helpers.i18n``: COURSE_LANG and the notebook's folder pick the catalogue of printed texts."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import polib
import pytest

from helpers import i18n
from helpers.profiles import banner, get_profile

PROFILE_LINE = "Profile: {name} ({expected})."
POLISH = {
    PROFILE_LINE: "Profil: {name} ({expected}).",
    "seconds per chapter on any CPU": "kilka sekund na rozdział na dowolnym CPU",
    "Printed texts: {language} (COURSE_LANG={code}; COURSE_LANG=en for English).": (
        "Teksty: {language} (COURSE_LANG={code}; COURSE_LANG=en po angielsku)."
    ),
}


def write_catalogue(folder: Path, lang: str, messages: dict[str, str], fuzzy: tuple = ()) -> Path:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lang}
    for msgid, msgstr in messages.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] * (msgid in fuzzy)))
    path = folder / lang / "runtime.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


@pytest.fixture
def polish(tmp_path, monkeypatch) -> Path:
    """A tiny Polish runtime catalogue, and a clean language environment."""
    for name in ("COURSE_LANG", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COURSE_TRANSLATIONS_DIR", str(tmp_path / "translations"))
    monkeypatch.setattr(i18n, "_warned", set())
    return write_catalogue(tmp_path / "translations", "pl", POLISH)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("pl", "pl"),
        ("pl_PL.UTF-8", "pl"),
        ("ja-JP", "ja"),
        ("ru", "ru"),
        ("hi_IN", "hi"),
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh_Hans", "zh_Hans"),
        ("zh-Hans-SG", "zh_Hans"),
        ("zh-TW", None),  # traditional Chinese is not simplified Chinese
        ("en_GB", "en"),
        ("", None),
        ("klingon", None),
    ],
)
def test_normalize_lang(code, expected):
    assert i18n.normalize_lang(code) == expected


def test_banner_follows_course_lang(polish, monkeypatch):
    profile = get_profile("embedded")
    english = banner(profile)
    assert english.startswith("Profile: embedded (seconds per chapter on any CPU).")
    monkeypatch.setenv("COURSE_LANG", "pl")
    polish_banner = banner(profile)
    assert polish_banner.startswith("Profil: embedded (kilka sekund na rozdział na dowolnym CPU).")
    assert "Teksty: Polski (COURSE_LANG=pl" in polish_banner
    # an untranslated line of the banner stays English
    assert "The numbers below come from toy data" in polish_banner
    monkeypatch.setenv("COURSE_LANG", "en")
    assert banner(profile) == english


def test_unknown_language_falls_back_to_english_with_a_message(polish, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "xx")
    with pytest.warns(i18n.LanguageFallbackWarning, match=r"COURSE_LANG='xx' is not one of.*Fix"):
        text = banner(get_profile("embedded"))
    assert text.startswith("Profile: embedded (seconds per chapter on any CPU).")
    assert "Printed texts" not in text


def test_missing_catalogue_file_falls_back_with_a_message(polish, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ja")  # the tiny folder has Polish only
    with pytest.warns(i18n.LanguageFallbackWarning, match=r"no catalogue .*ja.*runtime\.po"):
        assert i18n.gettext(PROFILE_LINE) == PROFILE_LINE


def test_fuzzy_entries_print_english(polish, monkeypatch):
    write_catalogue(polish.parent.parent, "pl", POLISH, fuzzy=(PROFILE_LINE,))
    monkeypatch.setenv("COURSE_LANG", "pl")
    assert i18n.gettext(PROFILE_LINE) == PROFILE_LINE
    assert i18n.gettext("seconds per chapter on any CPU").startswith("kilka sekund")


def test_edited_catalogue_is_read_again(polish, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "pl")
    assert i18n.gettext(PROFILE_LINE) == "Profil: {name} ({expected})."
    write_catalogue(polish.parent.parent, "pl", {PROFILE_LINE: "Profil nr 2: {name}"})
    assert i18n.gettext(PROFILE_LINE) == "Profil nr 2: {name}"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("kit/notebooks/ru/03_training_loop.ipynb", "ru"),
        ("kit/notebooks/zh_Hans", "zh_Hans"),
        ("notebooks/pl", "pl"),
        ("kit/notebooks/03_training_loop.ipynb", None),
        ("kit/notebooks", None),
        ("/home/pl/work", None),  # a folder named like a language, not a chapter folder
        (None, None),
    ],
)
def test_lang_of_path(path, expected):
    assert i18n.lang_of_path(path) == expected


def test_the_notebooks_folder_sets_the_language(polish, tmp_path, monkeypatch):
    folder = tmp_path / "kit" / "notebooks" / "pl"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert i18n.course_lang() == "pl"
    assert banner(get_profile("embedded")).startswith("Profil: embedded")
    monkeypatch.setenv("COURSE_LANG", "en")  # an explicit choice wins
    assert i18n.course_lang() == "en"


def test_jupyter_and_vscode_name_the_notebook(polish, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert i18n.course_lang() == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", "kit/notebooks/hi/04_ner.ipynb")
    assert i18n.course_lang() == "hi"
    monkeypatch.delenv("JPY_SESSION_NAME")
    shell = types.SimpleNamespace(user_ns={"__vsc_ipynb_file__": "/x/notebooks/ja/01_a.ipynb"})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert i18n.course_lang() == "ja"


def test_colab_reads_the_notebook_metadata(polish, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    colab = types.ModuleType("google.colab")
    message = types.ModuleType("google.colab._message")
    message.blocking_request = lambda request, timeout_sec: {
        "ipynb": {"metadata": {"course_kit": {"lang": "ru"}}}
    }
    colab._message = message
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab._message", message)
    i18n._colab_notebook_lang.cache_clear()
    try:
        assert i18n.course_lang() == "ru"
    finally:
        i18n._colab_notebook_lang.cache_clear()


def test_a_kernel_started_in_a_translated_folder_prints_that_language(polish, tmp_path):
    """What nbval, JupyterLab and ``make course`` do: a kernel whose folder is notebooks/pl."""
    import nbformat
    from nbclient import NotebookClient

    folder = tmp_path / "kit" / "notebooks" / "pl"
    folder.mkdir(parents=True)
    code = (
        "from helpers.profiles import banner, get_profile\nprint(banner(get_profile('embedded')))"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    (folder / "01_x.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    printed = "".join(o.get("text", "") for o in notebook.cells[0].outputs)
    assert printed.startswith("Profil: embedded (kilka sekund"), printed
