"""The kit's chapters in other languages: catalogues, translated notebooks, coverage.

    python -m tools.translations            # update catalogues, build notebooks, print coverage
    python -m tools.translations --check    # change nothing; exit 1 if anything is stale
    python -m tools.translations todo pl    # what is left to translate in Polish, file by file

See ``translations/README.md`` for the translators' workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent.parent
# every language but the source's, in the order the navigation line and the README list them
TRANSLATED = tuple(code for code in LANGUAGES if code != "en")
RUNTIME = "runtime"


@dataclass(frozen=True)
class Layout:
    """Where the English notebooks, the catalogues and the outputs are (a temp copy in tests)."""

    root: Path = ROOT
    langs: tuple[str, ...] = TRANSLATED
    # Python files and folders whose _("...") texts go into runtime.pot
    runtime_sources: tuple[str, ...] = field(default=("helpers", "tools/translations"))

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    @property
    def templates(self) -> Path:
        return self.translations / "templates"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"

    def english_notebooks(self) -> list[Path]:
        """The chapters: ``notebooks/NN_name.ipynb``, in order."""
        return sorted(self.notebooks.glob("[0-9][0-9]_*.ipynb"))

    def catalogue(self, lang: str, stem: str) -> Path:
        return self.translations / lang / f"{stem}.po"

    def translated_notebook(self, lang: str, name: str) -> Path:
        return self.notebooks / lang / name
