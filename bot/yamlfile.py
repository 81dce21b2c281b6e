"""YAML reading that remembers where each mapping and key came from, for file:line messages."""

from __future__ import annotations

from typing import Any

import yaml

from bot.errors import Problem

LINE_KEY = "__line__"
KEY_LINES = "__key_lines__"


# libyaml's parser when pyyaml has it (about 10x faster: it is most of `factbot ask`'s start-up).
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    """SafeLoader whose mappings carry their 1-based start line and each key's line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = _SafeBase.construct_mapping(loader, node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[KEY_LINES] = {
        loader.construct_object(k, deep=True): k.start_mark.line + 1
        for k, _ in node.value
        if isinstance(k, yaml.ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# A sheet is hand-written text: past this size it is a mistake (or an attack), not a sheet.
MAX_BYTES = 20 * 1024 * 1024


def _alias_problem(text: str, filename: str) -> Problem | None:
    """A fatal Problem at the first anchor or alias: a few bytes of them can expand to gigabytes
    ("billion laughs"), and a curated sheet never needs them."""
    if "&" not in text and "*" not in text:
        return None  # no anchor or alias can be there
    try:
        for token in yaml.scan(text, Loader=_SafeBase):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                kind = "anchor" if isinstance(token, yaml.AnchorToken) else "alias"
                line = token.start_mark.line + 1
                return Problem(
                    filename,
                    line,
                    "",
                    f"YAML {kind} '{token.value}' not allowed in a sheet",
                    fatal=True,
                )
    except yaml.YAMLError:
        return None  # the parse below reports it with its line
    return None


def load_yaml(text: str, filename: str) -> tuple[Any, list[Problem]]:
    """Parse YAML; mappings get `__line__` and `__key_lines__`. Bad YAML, YAML anchors and
    aliases, and text over MAX_BYTES are fatal Problems."""
    if len(text) > MAX_BYTES:
        message = f"file is {len(text):,} bytes; a sheet file may be at most {MAX_BYTES:,}"
        return None, [Problem(filename, 1, "", message, fatal=True)]
    if problem := _alias_problem(text, filename):
        return None, [problem]
    try:
        return yaml.load(text, Loader=_LineLoader), []  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [Problem(filename, line, "", f"invalid YAML: {what}", fatal=True)]
    except yaml.YAMLError as exc:
        return None, [Problem(filename, 1, "", f"invalid YAML: {exc}", fatal=True)]


def line_of(mapping: dict, key: str | None = None) -> int:
    """The line of `key` in `mapping` (or of the mapping itself)."""
    if key is not None and key in mapping.get(KEY_LINES, {}):
        return mapping[KEY_LINES][key]
    return mapping.get(LINE_KEY, 1)


def fields(mapping: dict) -> dict:
    """The mapping without the bookkeeping keys."""
    return {k: v for k, v in mapping.items() if k not in (LINE_KEY, KEY_LINES)}
