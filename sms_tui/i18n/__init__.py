"""One catalogue per language; every user-facing sentence is looked up here by key.

Polish is the default (the users are technicians in Polish shops); `--lang`, then LC_ALL /
LC_MESSAGES / LANG decide otherwise.
"""

from __future__ import annotations

import errno as errnos
import importlib
import os
from collections.abc import Callable, Mapping

LANGUAGES = ("pl", "en")
_loaded: dict[str, Mapping[str, str]] = {}
_current = "pl"
_program: str | Callable[[], str] = "sms-tui"  # how a printed command starts: with `--config PATH` unless the default


def catalogue(lang: str) -> Mapping[str, str]:
    """Loaded on first use: a Polish run never parses the English sentences."""
    if lang not in _loaded:
        _loaded[lang] = importlib.import_module(f"sms_tui.i18n.{lang}").MESSAGES
    return _loaded[lang]


def detect_language(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "pl"
    return "pl"


def set_language(lang: str | None) -> str:
    global _current
    _current = lang if lang in LANGUAGES else detect_language()
    return _current


def language() -> str:
    return _current


def set_program(invocation: str | Callable[[], str]) -> None:
    """Every command printed for the technician to copy (`{prog} watch --uninstall`) starts so:
    on a server with two shops, a command copied without `--config` acts on the other shop. A
    callable is asked once, when a sentence first needs it (finding the default settings file
    loads platformdirs, which `show` and a clean `check` never need)."""
    global _program
    _program = invocation


def program() -> str:
    global _program
    if callable(_program):
        _program = _program()
    return _program


class _Params(dict[str, object]):
    """A parameter the caller did not pass shows as "—", never as a raw "{name}" or a KeyError:
    a missing value must not turn an error message into a crash."""

    def __missing__(self, key: str) -> object:
        return program() if key == "prog" else "—"


def t(key: str, /, **params: object) -> str:
    """The sentence for `key` in the current language; a missing key shows itself, never crashes."""
    return translate(_current, key, **params)


def translate(lang: str, key: str, /, **params: object) -> str:
    """As t() in a given language: the watch's notices go out in the settings' language, whatever
    the technician's terminal speaks."""
    template = catalogue(lang if lang in LANGUAGES else "pl").get(key) or catalogue("en").get(key) or key
    try:
        return template.format_map(_Params(params))
    except (ValueError, IndexError, AttributeError):  # a stray brace or "{0}" in a catalogue text: show it as written
        return template


def os_reason(error: BaseException) -> str:
    """An OSError's reason in the current language ("Is a directory" is English in a Polish
    message otherwise); errors without a catalogued errno keep the system's own text."""

    code = getattr(error, "errno", None)
    name = errnos.errorcode.get(code, "") if isinstance(code, int) else ""
    if name and has(f"os.{name}"):
        return t(f"os.{name}")
    return str(getattr(error, "strerror", None) or error)


def has(key: str) -> bool:
    return key in catalogue(_current)
