"""How much Latin script a translation's prose keeps: a share per chapter, and limits.

A translated sentence keeps code, names and the glossary's kept-English terms in Latin
script; everything else a learner reads is in the language's own script. ``shares`` counts,
in each catalogue, the letters of the prose that are neither (``prose`` below) and divides
them by all letters of the prose. Japanese, Russian, Chinese and Hindi have their own
scripts, so a Latin word left in them is plain to see. Polish is written in Latin script:
there a word counts as English when it also stands in the English text of the entry and is
neither a name nor a kept term (``seed``, ``launcher``, ``pipeline`` left untranslated).

The limits follow the glossary's conventions: Polish and Russian write their own words for
nearly everything (Russian keeps only the metric names and Hub, which are kept terms here);
Japanese keeps names and acronyms in Latin script and katakana for the rest; Chinese prose
keeps *token*, *batch*, *epoch*, *checkpoint*, *logits* in Latin script (kept terms) and more
besides, and the glossary says so; Hindi "keeps a lot of English", mostly transliterated, so
its Latin share may be a little higher than Polish or Russian but not much.

    python -m tools.translations latin            # shares per language and chapter; exit 1 above a limit
    python -m tools.translations latin hi         # one language

Used in: ``tests/test_latin_script.py`` (make test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib

from tools.translations import RUNTIME, Layout
from tools.translations.terms import IDENTIFIER, _sentence, prose

# The most Latin-script prose a catalogue may keep, in percent of its prose letters.
# Measured after issue 21 (make translations, December 2026): at most 0.3% in pl and ru,
# 1.3% in ja, 1.5% in zh_Hans, 1.0% in hi; before it, Hindi's 01 and 03 stood at 3.8% and 3.4%.
LIMITS = {"pl": 0.5, "ru": 0.5, "ja": 1.5, "zh_Hans": 2.5, "hi": 1.5}
# Names and kept terms every language writes in Latin script (the glossary's first paragraph,
# the datasets, models and tools the chapters run); matched as whole words, any case.
NAMES = """
Hugging Face Hub Transformers Datasets Tokenizers Evaluate Accelerate Trainer TrainingArguments
Dataset DatasetDict DataLoader DataCollatorWithPadding DataCollatorForTokenClassification
Accelerator AutoTokenizer AutoModelForSequenceClassification AutoModelForTokenClassification
ClassLabel Features Value pipeline GLUE MRPC SST CoNLL seqeval PyTorch torch Python NumPy
pandas Spark PySpark Arrow Parquet JupyterLab Jupyter Colab Kaggle Databricks VS Code
nbval nbgrader BERT DistilBERT bert base cased uncased MiniLM AdamW Adam Adafactor DeepSpeed FSDP
dynamo gloo NCCL CUDA XLA TPU GPU CPU NER POS IOB IOB2 UDF ID IDs JSON CSV TSV URL HTTP TCP API
README Linux macOS Windows Chromium Playwright Java F1 train validation test MiniLM embedded
laptop full O PER ORG LOC MISC Git GitHub LFS Microsoft Google Reuters pip conda ipywidgets
Submit OK fp16 bf16 fp32 fp8 autocast Wikipedia Python's HF Anna Berg Corvid Labs
None True False Drive MNLI entailment neutral contradiction negative positive
""".split()
# Names of more than one word (menu items, titles, example sentences the chapters quote)
PHRASES = re.compile(
    "|".join(
        r"\s+".join(phrase.split())
        for phrase in (
            "Run All",
            "Restart Kernel",
            "Unity Catalog",
            "JSON Lines",
            "Microsoft Research Paraphrase Corpus",
            "Prepare data for fine-tuning Hugging Face models",
            "EU rejects German call to boycott British lamb",
            "Peter Blackburn",
            "Westland",
            r"\bln\b",
            "Rust",
        )
    )
)
# Each language's kept-English terms (the glossary's cells and notes in Latin script)
KEPT = {
    "pl": "token tokeny tokenów tokenem tokenu tokenach tokenami tokenom tokenizer tokenizera "
    "tokenizerem tokenizerze tokenizery collator collatora collatorem collatorze "
    "data model modelu modelem modele modeli Pandas UDF",
    "ja": "",
    "ru": "accuracy precision recall Hub",
    "zh_Hans": "token tokens tokenize Tokenizer tokenizer batch batches logits checkpoint "
    "checkpoints epoch epochs hub pipeline notebook",
    "hi": "logits repo",
}
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]+(?:'[a-z]+)?")
# quoted text (example sentences, error messages) is data when the English holds it as is
QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”|„([^”\n]+)”|«([^»\n]+)»|「([^」\n]+)」')
LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Share:
    """The Latin-script letters of one catalogue's prose, of all its prose letters."""

    lang: str
    stem: str
    latin: int
    letters: int
    words: list[str]

    @property
    def percent(self) -> float:
        return 100 * self.latin / self.letters if self.letters else 0.0


def _kept(lang: str) -> set[str]:
    # acronyms match as written (ID is a name, "ids" in prose is not); other names in any case
    return {w if w[:2].isupper() else w.lower() for w in NAMES + KEPT.get(lang, "").split()}


def _unquoted(english: str, translated: str) -> str:
    def keep(match: re.Match) -> str:
        inner = next(g for g in match.groups() if g is not None)
        return " " if inner in english else match.group(0)

    return QUOTED.sub(keep, translated)


def latin_words(
    lang: str, english: str, translated: str, code_names: frozenset[str] = frozenset()
) -> list[str]:
    """The words of ``translated``'s prose a reader sees in Latin script that should not be.

    >>> latin_words("hi", "Restart the kernel.", "`x` kernel को restart करें (GPU, `num_labels=2`).")
    ['kernel', 'restart']
    >>> latin_words("pl", "Set the seed.", "Ustaw seed, a potem `seed=42`.")
    ['seed']
    """
    text = prose(_unquoted(english, translated))
    text = IDENTIFIER.sub(" ", _sentence(PHRASES.sub(" ", text)))
    kept = _kept(lang) | code_names
    # words the English holds as code, quoted data or a title in italics are not prose
    spans = re.findall(r"`([^`]+)`|\"([^\"\n]+)\"|(?<!\*)\*([^*\n]+)\*(?!\*)", english)
    code = {w.lower() for groups in spans for span in groups for w in re.findall(r"\w+", span)}
    words = [
        w
        for w in WORD.findall(text)
        if len(w) > 1 and w not in kept and w.lower() not in kept | code
    ]
    if lang == "pl":  # Latin script anyway: only what stands in the English text counts
        source = {w.lower() for w in WORD.findall(prose(english))}
        words = [w for w in words if w.lower() in source and not _polish(w)]
    return words


def _polish(word: str) -> bool:
    # words spelled alike in both languages, or with Polish letters
    return bool(re.search(r"[ąćęłńóśźż]", word.lower())) or word.lower() in POLISH_HOMOGRAPHS


POLISH_HOMOGRAPHS = set(
    "a i o w z na do to nie od po we ze za problem test testy start status plan minimum "
    "maksimum format program system same sam folder folderu go offline online argument "
    "argumentem tensor tensora element elementy hash skrypt pasek by".split()
)


def code_names(layout: Layout) -> frozenset[str]:
    """The names the notebooks' code cells use (variables, columns, arguments): the runtime
    texts name them without backticks ("the label column", "tokenizer(examples['sentence'])").
    """
    import io
    import json
    import tokenize

    names: set[str] = set()
    for path in layout.english_notebooks():
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            try:
                tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
            except (tokenize.TokenError, IndentationError, SyntaxError):
                continue
            for token in tokens:
                if token.type == tokenize.NAME:
                    names.add(token.string.lower())
                elif token.type == tokenize.STRING and len(token.string) < 40:
                    names |= {w.lower() for w in WORD.findall(token.string)}
    return frozenset(names)


def shares(layout: Layout, lang: str) -> list[Share]:
    """One ``Share`` per catalogue of ``lang`` (chapters, then runtime).

    Used in: ``python -m tools.translations latin`` and ``tests/test_latin_script.py``.
    """
    stems = [p.stem for p in layout.english_notebooks()] + [RUNTIME]
    names = code_names(layout)
    found = []
    for stem in stems:
        path: Path = layout.catalogue(lang, stem)
        latin = letters = 0
        words: list[str] = []
        for entry in polib.pofile(str(path), wrapwidth=0) if path.is_file() else []:
            if entry.obsolete or entry.fuzzy or not entry.msgid:
                continue
            texts = [entry.msgstr] if entry.msgstr else list((entry.msgstr_plural or {}).values())
            english = entry.msgid_plural or entry.msgid
            for text in filter(None, texts):
                bad = latin_words(lang, english, text, names if stem == RUNTIME else frozenset())
                words += bad
                latin += sum(len(w) for w in bad)
                letters += len(LETTER.findall(IDENTIFIER.sub(" ", _sentence(prose(text)))))
        found.append(Share(lang, stem, latin, letters, words))
    return found


def report(layout: Layout, langs: tuple[str, ...]) -> tuple[str, int]:
    """The table ``latin`` prints, and how many catalogues are above their language's limit."""
    lines = [f"{'language':<9} {'catalogue':<18} {'Latin %':>7} {'limit':>6}  most frequent"]
    over = 0
    for lang in langs:
        for share in shares(layout, lang):
            counts: dict[str, int] = {}
            for word in share.words:
                counts[word.lower()] = counts.get(word.lower(), 0) + 1
            top = ", ".join(
                f"{w} {n}" for w, n in sorted(counts.items(), key=lambda kv: -kv[1])[:8]
            )
            flag = ""
            if share.percent > LIMITS[lang]:
                over += 1
                flag = "  OVER"
            lines.append(
                f"{lang:<9} {share.stem:<18} {share.percent:>6.2f}% {LIMITS[lang]:>5.1f}%  "
                f"{top}{flag}"
            )
    return "\n".join(lines), over
