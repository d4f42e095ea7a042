"""Why a file was refused, in the technician's language: tomllib, pydantic and the UTF-8 codec
explain in English ("Field required", "Illegal character '\\n'", "'utf-8' codec can't decode…"),
which in a Polish sentence reads as a program fault (field test #34). Anything not catalogued
keeps the library's own words, so nothing is ever hidden."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sms_tui.i18n import t

# tomllib's messages (Python 3.11–3.13), the parameter captured where there is one.
_TOML = (
    (re.compile(r"Illegal character (?P<char>.+)"), "toml.illegal_char"),
    (re.compile(r"Found invalid character (?P<char>.+)"), "toml.illegal_char"),
    (re.compile(r"Unterminated string"), "toml.unterminated"),
    (re.compile(r"Invalid value"), "toml.invalid_value"),
    (re.compile(r"Invalid initial character for a key part"), "toml.bad_key"),
    (re.compile(r"Expected '=' after a key in a key/value pair"), "toml.no_equals"),
    (re.compile(r"Expected newline or end of document after a statement"), "toml.one_per_line"),
    (re.compile(r"Expected '\]' at the end of a table declaration"), "toml.table_bracket"),
    (re.compile(r"Expected '\]\]' at the end of an array declaration"), "toml.table_bracket"),
    (re.compile(r"Invalid statement"), "toml.invalid_statement"),
    (re.compile(r"Unclosed array"), "toml.unclosed_array"),
    (re.compile(r"Unclosed inline table"), "toml.unclosed_table"),
    (re.compile(r"Cannot declare (?P<key>.+) twice"), "toml.twice"),
    (re.compile(r"Cannot (?:overwrite a value|redefine namespace|mutate immutable namespace).*"), "toml.twice_any"),
    (re.compile(r"Duplicate inline table key (?P<key>.+)"), "toml.twice"),
    (re.compile(r"Invalid date or datetime"), "toml.bad_date"),
    (re.compile(r"Unescaped '\\\\' in a string|Invalid hex value|Escaped character is not a Unicode scalar value"), "toml.bad_escape"),
)


def toml_reason(error: Exception) -> str:
    """tomllib's message without its "(at line N, column M)", which the caller words itself."""
    text = str(error).split(" (at")[0]
    for pattern, key in _TOML:
        found = pattern.fullmatch(text)
        if found:
            return t(key, **found.groupdict())
    return text


def unreadable_toml(error: BaseException) -> str:
    """What tomllib raises besides TOMLDecodeError: nesting too deep, an integer too long."""
    if isinstance(error, RecursionError):
        return t("toml.too_deep")
    if isinstance(error, MemoryError):
        return t("toml.too_big")
    return t("toml.too_long_number")


def not_utf8(error: UnicodeDecodeError) -> str:
    return t("text.not_utf8", byte=f"0x{error.object[error.start]:02x}", at=error.start)


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/).
_PYDANTIC = {
    "missing": "pyd.missing",
    "extra_forbidden": "answers.unknown_key",
    "string_type": "pyd.string",
    "bool_type": "pyd.bool", "bool_parsing": "pyd.bool",
    "int_type": "pyd.number", "int_parsing": "pyd.number", "float_type": "pyd.number",
    "float_parsing": "pyd.number", "finite_number": "pyd.number",
    "dict_type": "pyd.table", "model_type": "pyd.table", "model_attributes_type": "pyd.table",
    "list_type": "pyd.list",
    "greater_than_equal": "pyd.at_least", "greater_than": "pyd.more_than",
    "less_than_equal": "pyd.at_most", "less_than": "pyd.less_than",
    "literal_error": "pyd.one_of", "enum": "pyd.one_of",
    "string_too_long": "pyd.too_long", "string_too_short": "pyd.too_short",
}


def validation_reason(item: Mapping[str, Any]) -> str:
    """One pydantic error in words; a validator's own sentence (ValueError) is already ours."""
    kind = str(item.get("type", ""))
    ctx = item.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    key = _PYDANTIC.get(kind)
    if key is None:
        return str(item.get("msg", kind))
    if kind in ("literal_error", "enum"):
        return t(key, values=str(ctx.get("expected", "")).replace("'", '"').replace(" or ", ", "))
    if kind == "missing" and len(item.get("loc", ())) == 1:
        return t("pyd.missing_section", name=item["loc"][0])
    limit = next((ctx[name] for name in ("ge", "gt", "le", "lt", "max_length", "min_length") if name in ctx), "")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    return t(key, limit=limit)


def validation_reasons(items: Sequence[Mapping[str, Any]]) -> list[str]:
    """"where: why" for each error; `where` is the key path as in the file (account.username)."""
    return [f"{'.'.join(str(p) for p in item['loc']) or '-'}: {validation_reason(item)}" for item in items]
