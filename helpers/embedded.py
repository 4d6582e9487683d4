"""The embedded sample data: toy MRPC pairs, SST-2 reviews and CoNLL-2003 sentences, written here.

The data is synthetic (templates filled with invented names), so it can ship with the kit
where the real data's licences forbid it. It has exactly the Hub's schema and is stored as
Hub-style dataset folders (JSON Lines plus a README whose metadata carries the features and
sizes), so ``load_dataset(folder, "mrpc")`` behaves like ``load_dataset("nyu-mll/glue",
"mrpc")`` (and ``"sst2"`` likewise). Regenerate with ``python -m helpers.embedded`` (deterministic; a test checks that
the shipped files match).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import yaml

from helpers.schema import (
    CHUNK_NAMES,
    NER_NAMES,
    POS_NAMES,
    conll_features,
    mrpc_features,
    sst2_features,
)

SEED = 2003
EMBEDDED_DIR = Path(__file__).parent / "embedded"

# Invented names only: nothing here is taken from the licensed data sets.
PEOPLE = [
    "Anna Berg",
    "Tomas Reyes",
    "Mira Okafor",
    "Jonas Lindqvist",
    "Priya Nair",
    "Felix Moreau",
    "Elena Varga",
    "Samuel Osei",
    "Hana Kobayashi",
    "Lucas Brandt",
    "Nadia Haddad",
    "Oskar Nyberg",
    "Ruth Mbeki",
    "Ivan Petrov",
    "Clara Jensen",
    "Diego Alvarez",
    "Yusuf Demir",
    "Maja Kowalski",
]
COMPANIES = [
    "Northwind Systems",
    "Bluefin Energy",
    "Corvid Labs",
    "Helix Motors",
    "Granite Bank",
    "Solace Foods",
    "Vantage Air",
    "Orchid Pharma",
    "Kestrel Media",
    "Tidewater Steel",
    "Quill Software",
    "Lumen Retail",
]
CITIES = [
    "Valmora",
    "Port Ellis",
    "Brackenridge",
    "Oslund",
    "New Carrow",
    "Tessaly",
    "Marrowgate",
    "Kingsreach",
    "Lowen",
    "Ardmore Falls",
    "Sunhaven",
    "Eastfield",
]
EVENTS = [
    "Harbor Cup",
    "Summit Games",
    "Lantern Open",
    "Meridian Prize",
    "Aurora Festival",
    "Westland Derby",
]
NATIONALITIES = ["Valmoran", "Tessalian", "Oslundic", "Carrowish", "Lowenese", "Eastfielder"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
QUARTERS = ["first-quarter", "second-quarter", "third-quarter", "fourth-quarter"]


# --------------------------------------------------------------------------- MRPC


def _mrpc_topic(rng: random.Random) -> dict[str, str]:
    return {
        "co": rng.choice(COMPANIES),
        "person": rng.choice(PEOPLE),
        "city": rng.choice(CITIES),
        "day": rng.choice(DAYS),
        "q": rng.choice(QUARTERS),
        "n": str(rng.randint(2, 40)),
        "m": str(rng.randint(10, 900)),
        "k": str(rng.randint(50, 5000)),
    }


# Each family: a sentence and paraphrases of it. Equivalent pairs use two forms of one family
# with the same facts; not-equivalent pairs change a fact or take another family's sentence.
MRPC_FAMILIES = [
    [
        "{co} said on {day} that its {q} profit rose {n} percent to ${m} million .",
        "{co} reported a {n} percent rise in {q} profit on {day} , to ${m} million .",
        "On {day} , {co} posted {q} profit of ${m} million , up {n} percent .",
    ],
    [
        "{person} , the chief executive of {co} , will step down at the end of the year .",
        "{co} chief executive {person} is leaving the company when the year ends .",
        "{person} plans to resign as head of {co} at the end of this year .",
    ],
    [
        "{co} will cut {k} jobs and close its plant in {city} , the company said .",
        "The company said {co} is closing its {city} plant and eliminating {k} jobs .",
        "{co} plans to shut the {city} factory , with the loss of {k} jobs .",
    ],
    [
        "Police in {city} arrested {person} on {day} after a two-week search .",
        "{person} was arrested by {city} police on {day} , ending a search that lasted two weeks .",
        "After searching for two weeks , officers in {city} detained {person} on {day} .",
    ],
    [
        "Shares of {co} fell {n} percent to ${m} in early trading on {day} .",
        "{co} stock dropped {n} percent to ${m} early on {day} .",
        "On {day} morning , {co} shares were down {n} percent at ${m} .",
    ],
    [
        "The {city} council approved a ${m} million budget for new schools on {day} .",
        "On {day} , councillors in {city} voted through ${m} million for new schools .",
        "A ${m} million school building budget was approved by the {city} council on {day} .",
    ],
]


def _alter_fact(rng: random.Random, facts: dict[str, str]) -> dict[str, str]:
    changed = dict(facts)
    key = rng.choice(["co", "person", "city", "n", "m", "k", "day"])
    while changed[key] == facts[key]:
        changed[key] = _mrpc_topic(rng)[key]
    return changed


def mrpc_rows(n: int, rng: random.Random) -> list[dict]:
    """``n`` toy sentence pairs in the GLUE MRPC schema, about 68% equivalent as in MRPC."""
    rows = []
    for idx in range(n):
        family = rng.randrange(len(MRPC_FAMILIES))
        first, second = rng.sample(MRPC_FAMILIES[family], 2)
        facts = _mrpc_topic(rng)
        equivalent = rng.random() < 0.68
        if equivalent:
            sentence2 = second.format(**facts)
        elif rng.random() < 0.5:
            sentence2 = second.format(**_alter_fact(rng, facts))
        else:
            other = rng.choice([f for i, f in enumerate(MRPC_FAMILIES) if i != family])
            sentence2 = rng.choice(other).format(**facts)
        rows.append(
            {
                "sentence1": first.format(**facts),
                "sentence2": sentence2,
                "label": int(equivalent),
                "idx": idx,
            }
        )
    return rows


# --------------------------------------------------------------------------- SST-2

# SST-2's style: lower case, words and punctuation separated by spaces, a trailing space.
# The label follows the adjectives' polarity; a "not" sentence turns it round.
SST2_POSITIVE = [
    "charming", "moving", "funny", "gorgeous", "clever", "heartfelt", "gripping", "delightful",
    "witty", "tender", "warm", "fresh", "bold", "smart", "lovely", "stirring",
]  # fmt: skip
SST2_NEGATIVE = [
    "dull", "tedious", "clumsy", "bland", "shallow", "lifeless", "predictable", "messy",
    "hollow", "tiresome", "flat", "stale", "sloppy", "boring", "limp", "pointless",
]  # fmt: skip
SST2_NOUNS = [
    "film", "movie", "story", "script", "cast", "plot", "picture", "comedy", "thriller",
    "drama", "documentary", "direction", "soundtrack", "ending",
]  # fmt: skip
SST2_ADVERBS = ["", "very ", "quite ", "remarkably ", "utterly ", "rather "]
SST2_TEMPLATES = [
    "the {n} is {a}{j} . ",
    "{a}{j} and {j2} , the {n} never lets up . ",
    "a {j} {n} with {j2} performances ",
    "the {n} feels {j} from start to finish . ",
    "it 's {a}{j} , and {j2} too . ",
    "{j} , {j2} and {a}{j3} ",
    "this {n} is a {j} piece of work . ",
]
SST2_NEGATED = "the {n} is not {a}{j} . "


def sst2_rows(n: int, rng: random.Random, labelled: bool = True) -> list[dict]:
    """``n`` toy movie-review sentences in the GLUE SST-2 schema, about 56% positive as in SST-2.

    ``labelled=False`` gives label -1, as the Hub's test split does.
    """
    rows = []
    for idx in range(n):
        positive = rng.random() < 0.56
        fill = {"n": rng.choice(SST2_NOUNS), "a": rng.choice(SST2_ADVERBS)}
        if rng.random() < 0.1:
            fill["j"] = rng.choice(SST2_NEGATIVE if positive else SST2_POSITIVE)
            sentence = SST2_NEGATED.format(**fill)
        else:
            words = rng.sample(SST2_POSITIVE if positive else SST2_NEGATIVE, 3)
            sentence = rng.choice(SST2_TEMPLATES).format(
                j=words[0], j2=words[1], j3=words[2], **fill
            )
        rows.append({"sentence": sentence, "label": int(positive) if labelled else -1, "idx": idx})
    return rows


# --------------------------------------------------------------------------- CoNLL-2003

# A template token is "word/POS/CHUNK"; a slot is "<PER>", "<ORG>", "<LOC>", "<MISC>" or
# "<DAY>" (and "<EVENT>", "<NAT>" for MISC), filled with a name whose words are NNP (NNPS for some groups) in one noun phrase.
CONLL_TEMPLATES = [
    "<PER>/B-NP ,/,/O the/DT/B-NP chairman/NN/I-NP of/IN/B-PP <ORG>/B-NP ,/,/O said/VBD/B-VP on/IN/B-PP <DAY>/B-NP ././O",
    "<ORG>/B-NP beat/VBD/B-VP <ORG>/B-NP 3-1/CD/I-NP in/IN/B-PP <LOC>/B-NP ././O",
    "<PER>/B-NP won/VBD/B-VP the/DT/B-NP <EVENT>/I-NP in/IN/B-PP <LOC>/B-NP ././O",
    "The/DT/B-NP <NAT>/I-NP government/NN/I-NP said/VBD/B-VP it/PRP/B-NP would/MD/B-VP talk/VB/I-VP to/TO/B-PP <ORG>/B-NP ././O",
    "<ORG>/B-NP shares/NNS/I-NP rose/VBD/B-VP 4.5/CD/B-NP percent/NN/I-NP in/IN/B-PP <LOC>/B-NP on/IN/B-PP <DAY>/B-NP ././O",
    "<LOC>/B-NP 's/POS/B-NP central/JJ/I-NP bank/NN/I-NP kept/VBD/B-VP rates/NNS/B-NP unchanged/JJ/B-ADJP ././O",
    "<PER>/B-NP told/VBD/B-VP reporters/NNS/B-NP in/IN/B-PP <LOC>/B-NP that/IN/B-SBAR <ORG>/B-NP was/VBD/B-VP ready/JJ/B-ADJP ././O",
    "--/:/O <LOC>/B-NP ,/,/O <DAY>/B-NP ././O",
    "<PER>/B-NP (/(/O <LOC>/B-NP )/)/O 71/CD/B-NP",
    "The/DT/B-NP <NAT>/I-NP striker/NN/I-NP <PER>/I-NP joined/VBD/B-VP <ORG>/B-NP from/IN/B-PP <ORG>/B-NP ././O",
    "<ORG>/B-NP said/VBD/B-VP profits/NNS/B-NP fell/VBD/B-VP after/IN/B-PP a/DT/B-NP strike/NN/I-NP in/IN/B-PP <LOC>/B-NP ././O",
    "SOCCER/NN/B-NP -/:/O <ORG>/B-NP WIN/VB/B-VP IN/IN/B-PP <LOC>/B-NP ././O",
    "``/``/O We/PRP/B-NP are/VBP/B-VP very/RB/B-ADJP pleased/JJ/I-ADJP ,/,/O ''/''/O <PER>/B-NP said/VBD/B-VP ././O",
    "<PER>/B-NP and/CC/O <PER>/B-NP met/VBD/B-VP <NAT>/B-NP officials/NNS/I-NP in/IN/B-PP <LOC>/B-NP ././O",
]
SLOT_FILLERS = {
    "PER": PEOPLE + ["Berg", "Reyes", "Okafor", "Nair"],
    "ORG": COMPANIES + ["Valmora United", "Port Ellis Rovers", "Eastfield Athletic"],
    "LOC": CITIES,
    "EVENT": EVENTS,
    "NAT": NATIONALITIES,
}
# Slots whose entity type is not their own name
SLOT_TYPES = {"EVENT": "MISC", "NAT": "MISC"}


def _fill(slot_chunk: str, slot: str, rng: random.Random) -> list[tuple[str, str, str, str]]:
    if slot == "DAY":
        return [(rng.choice(DAYS), "NNP", slot_chunk, "O")]
    words = rng.choice(SLOT_FILLERS[slot]).split()
    tokens = []
    for i, word in enumerate(words):
        chunk = slot_chunk if i == 0 else "I-NP"
        ner = ("B-" if i == 0 else "I-") + SLOT_TYPES.get(slot, slot)
        pos = "JJ" if word in NATIONALITIES else "NNP"
        tokens.append((word, pos, chunk, ner))
    return tokens


def conll_sentence(template: str, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """One toy sentence as (word, POS, chunk, NER) tuples from a template."""
    out: list[tuple[str, str, str, str]] = []
    for item in template.split():
        if item.startswith("<"):
            slot, chunk = item[1:].split(">/")
            out.extend(_fill(chunk, slot, rng))
        else:
            word, pos, chunk = item.split("/")
            out.append((word, pos, chunk, "O"))
    return out


def conll_rows(n: int, rng: random.Random) -> list[dict]:
    """``n`` toy sentences in the CoNLL-2003 Hub schema (tags as ids in the Hub's label order)."""
    rows = []
    for i in range(n):
        sentence = conll_sentence(rng.choice(CONLL_TEMPLATES), rng)
        rows.append(
            {
                "id": str(i),
                "tokens": [w for w, _, _, _ in sentence],
                "pos_tags": [POS_NAMES.index(p) for _, p, _, _ in sentence],
                "chunk_tags": [CHUNK_NAMES.index(c) for _, _, c, _ in sentence],
                "ner_tags": [NER_NAMES.index(t) for _, _, _, t in sentence],
            }
        )
    return rows


# --------------------------------------------------------------------------- writing

MRPC_SIZES = {"train": 480, "validation": 96, "test": 96}
SST2_SIZES = {"train": 820, "validation": 96, "test": 96}
CONLL_SIZES = {"train": 400, "validation": 96, "test": 96}


def _write_split(path: Path, rows: list[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def _config_info(config: str, features, splits: dict[str, tuple[int, int]]) -> dict:
    from datasets import DatasetInfo

    info = DatasetInfo(features=features)._to_yaml_dict()
    total = sum(size for _, size in splits.values())
    info.update(
        config_name=config,
        splits=[
            {"name": s, "num_bytes": size, "num_examples": n} for s, (n, size) in splits.items()
        ],
        download_size=total,
        dataset_size=total,
    )
    return info


def _write_card(
    folder: Path, configs: list[tuple[str, object, dict[str, tuple[int, int]]]], title: str
) -> None:
    """A Hub-style README: one entry per ``(config, features, {split: (rows, bytes)})``."""
    card = {
        "configs": [
            {
                "config_name": config,
                "data_files": [{"split": s, "path": f"{config}/{s}.jsonl"} for s in splits],
            }
            for config, _, splits in configs
        ],
        "dataset_info": [_config_info(*entry) for entry in configs],
    }
    body = (
        f"# {title} (embedded toy sample)\n\n"
        "Synthetic sentences written by `python -m helpers.embedded` from templates and invented\n"
        "names, in exactly the Hub's schema. For learning the code offline; the numbers a model\n"
        "reaches on it say nothing about the real task.\n"
    )
    (folder / "README.md").write_text(
        "---\n" + yaml.safe_dump(card, sort_keys=False) + "---\n" + body, encoding="utf-8"
    )


def _write_config(folder: Path, config: str, rows: dict[str, list[dict]]) -> dict:
    return {s: (len(r), _write_split(folder / config / f"{s}.jsonl", r)) for s, r in rows.items()}


def write_embedded(root: Path = EMBEDDED_DIR) -> None:
    """Write the toy data sets under ``root`` (``glue/`` with configs mrpc and sst2, ``conll2003/``)."""
    rng = random.Random(SEED)
    glue = root / "glue"
    mrpc = {s: mrpc_rows(n, rng) for s, n in MRPC_SIZES.items()}
    mrpc_sizes = _write_config(glue, "mrpc", mrpc)
    conll = root / "conll2003"
    ner = {s: conll_rows(n, rng) for s, n in CONLL_SIZES.items()}
    sizes = _write_config(conll, "conll2003", ner)
    _write_card(conll, [("conll2003", conll_features(), sizes)], "CoNLL-2003")
    # a generator of its own, so that adding SST-2 left the MRPC and CoNLL rows unchanged
    sst2_rng = random.Random(SEED + 2)
    sst2 = {s: sst2_rows(n, sst2_rng, labelled=s != "test") for s, n in SST2_SIZES.items()}
    sst2_sizes = _write_config(glue, "sst2", sst2)
    configs = [("mrpc", mrpc_features(), mrpc_sizes), ("sst2", sst2_features(), sst2_sizes)]
    _write_card(glue, configs, "GLUE MRPC and SST-2")


if __name__ == "__main__":
    write_embedded()
    print(f"wrote {EMBEDDED_DIR}")
