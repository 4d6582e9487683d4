"""The texts the kit prints at run time, collected for ``translations/<lang>/runtime.po``.

Two sources:

- calls in Python files: ``_("...")``, ``gettext("...")`` and ``N_("...")`` whose argument is
  a string literal (adjacent literals are joined, as Python joins them). Any other argument
  (an f-string, a variable) cannot be looked up in a catalogue and is reported as an error;
- providers: functions that return the strings of a text data file, such as the classroom's
  exercise and quiz texts (``helpers.classroom.text:catalogue_strings``), used when their
  module exists.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path
from string import Formatter

from tools.translations.catalog import Message

CALL_NAMES = {"_", "gettext", "N_"}
PLURAL_NAMES = {"ngettext"}
# "module:function" returning a list of strings; skipped while the module does not exist
PROVIDERS = ("helpers.classroom.text:catalogue_strings",)


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def python_messages(path: Path, root: Path) -> list[Message]:
    """The translatable literals of one Python file, in order.

    Raises:
        ValueError: a ``_()`` call given an f-string or a text built with ``+``, ``%`` or
            ``.format`` (a variable is fine: the text it holds is marked where it is written).

    Used in: ``make translations`` (``runtime.pot``).
    """
    source = path.read_text(encoding="utf-8")
    relative = path.relative_to(root).as_posix()
    found: list[tuple[int, int, Message]] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, ast.Call) or _called_name(node) not in CALL_NAMES | PLURAL_NAMES:
            continue
        if isinstance(node.func, ast.Attribute) and not _is_i18n(node.func.value):
            continue  # someone else's gettext (a library's translation object)
        arg = node.args[0] if node.args else None
        if _called_name(node) in PLURAL_NAMES:
            pair = node.args[:2]
            if len(pair) == 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in pair
            ):
                message = Message(pair[0].value, comment=relative, plural=pair[1].value)
                found.append((node.lineno, node.col_offset, message))
                continue
            if not any(isinstance(a, (ast.JoinedStr, ast.BinOp, ast.Call)) for a in pair):
                continue  # variables: texts marked where they are written (a provider's data)
            raise ValueError(
                f"{relative}:{node.lineno}: ngettext() needs the English singular and plural as "
                'literals: ngettext("{n} row", "{n} rows", n).format(n=n).'
            )
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append((node.lineno, node.col_offset, Message(arg.value, comment=relative)))
        elif isinstance(arg, (ast.JoinedStr, ast.BinOp, ast.Call)):
            raise ValueError(
                f"{relative}:{node.lineno}: {_called_name(node)}() gets a text built at run time, "
                "which no catalogue can hold. Fix: pass the English text as a literal with named "
                'fields and fill them afterwards: _("Profile: {name}").format(name=...).'
            )
        # any other argument (a variable) is a text marked elsewhere (N_, a provider)
    return [message for *_, message in sorted(found, key=lambda t: t[:2])]


def _is_i18n(node: ast.expr) -> bool:
    # i18n.gettext(...) or helpers.i18n.gettext(...)
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return name == "i18n"


def provider_messages(providers: tuple[str, ...] = PROVIDERS) -> list[Message]:
    """The strings of each provider whose module exists (``module:function``)."""
    found: list[Message] = []
    for spec in providers:
        module_name, function = spec.split(":")
        if importlib.util.find_spec(module_name.rsplit(".", 1)[0]) is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for text in getattr(module, function)():
            if isinstance(text, tuple):  # (singular, plural): a message with a count
                found.append(Message(text[0], comment=module_name, plural=text[1]))
            elif text:
                found.append(Message(text, comment=module_name))
    return found


def runtime_messages(root: Path, sources: tuple[str, ...]) -> list[Message]:
    """Every runtime text of the kit: literals in ``sources`` (files or folders), then providers.

    Used in: ``make translations`` (``runtime.pot``).
    """
    files: list[Path] = []
    for source in sources:
        path = root / source
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    messages: list[Message] = []
    for path in files:
        messages += python_messages(path, root)
    messages += provider_messages()
    first: dict[str, Message] = {}
    for message in messages:
        if message.msgid in first:
            old = first[message.msgid]
            if message.comment not in old.comment.split(", "):
                first[message.msgid] = Message(
                    old.msgid, f"{old.comment}, {message.comment}", old.plural
                )
        else:
            first[message.msgid] = message
    return list(first.values())


def fields(template: str) -> list[str]:
    """The replacement fields of a ``str.format`` template, as written, sorted.

    >>> fields("Profile: {name} ({expected}); {got:.3f} {reply!r} {{literal}}")
    ['{expected}', '{got:.3f}', '{name}', '{reply!r}']
    """
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as error:
        return [f"<not a valid template: {error}>"]
    return sorted(
        "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        for _, name, spec, conv in parsed
        if name is not None
    )


def compare_fields(english: str, translated: str) -> list[str]:
    """What a runtime translation changed in the template's fields; [] when all is kept.

    >>> compare_fields("Profile: {name}.", "Profil: {nazwa}.")
    ['the fields {name} of the English text became {nazwa}: keep each field exactly as it is (you may move it)']
    """
    want, got = fields(english), fields(translated)
    if want == got:
        return []
    return [
        f"the fields {', '.join(want) or '(none)'} of the English text became "
        f"{', '.join(got) or '(none)'}: keep each field exactly as it is (you may move it)"
    ]
