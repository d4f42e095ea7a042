"""The settings file: atomic, 0600, locked while written, never silently lost.

Atomic = temp file in the same folder, fsync, os.replace, fsync the folder; a crash at any
point leaves either the old file or the new one, whole. A file we cannot read is kept as .bak
before anything replaces it.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui import constants, program
from sms_tui.base.errors import Busy, KeyedError
from sms_tui.base.files import atomic_write, private_folder
from sms_tui.base.locks import locked
from sms_tui.i18n import os_reason, t

if TYPE_CHECKING:

    from sms_tui.settings.model import Files, Settings

SCHEMA = constants.SETTINGS_SCHEMA

FILE_NAME = "smsapi.toml"


class ConfigError(KeyedError):
    """A settings path or file the technician can fix: exit 2 (a key and its parameters, the text
    from the catalogue at display time)."""


class SettingsBusy(ConfigError, Busy):
    """Another process is saving the settings: for whoever saves, a settings problem like the others."""


def default_path(cli_path: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    """--config, then SMS_TUI_CONFIG, then the system file for root (for anyone else: their own
    file, else the system file when there is one)."""
    return resolve(cli_path, env)[0]


def resolve(cli_path: str | None = None, env: Mapping[str, str] | None = None) -> tuple[Path, str | None]:
    """The settings path, and a warning when root falls back to its own user file: a file under
    /root is never what a shop service reads, so root's default is /etc/sms-tui/smsapi.toml —
    but settings saved in the old place before that keep working until they are moved."""
    if cli_path:
        return Path(cli_path).expanduser(), None
    if (from_env := constants.config_path(env)) is not None:
        return from_env, None
    import platformdirs  # noqa: PLC0415 — platformdirs adds 12 ms to sms_tui.settings.store (python -X importtime); only needed when no path is given

    user_file = platformdirs.user_config_path("sms-tui") / FILE_NAME
    system = constants.system_config_path(env)
    if os.geteuid() != 0:  # as msmtp: one's own file first, else the system's (the shop's user sends with root's settings)
        if _there(user_file):
            return user_file, None
        if _there(system):
            return system, None
        return user_file, (t("config.system_hidden", system=system) if _hidden(system) else None)
    if not _there(system) and _there(user_file):
        return user_file, t("config.root_user_file", path=user_file, system=system, folder=system.parent)
    return system, None


def _hidden(path: Path) -> bool:
    """There, but not for this user: a folder above it it may not enter, or a file it may not read."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode) and not os.access(path, os.R_OK)
    except PermissionError:
        return True
    except (OSError, ValueError):
        return False


def _there(path: Path) -> bool:
    """A file this user can reach: a folder it may not enter hides it (it could not be read anyway)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def canonical(path: Path) -> Path:
    """One name per file: `../sms-tui/smsapi.toml` or a linked folder is the file it leads to."""
    return Path(os.path.realpath(Path(path).expanduser()))


def settings_key(path: Path) -> str:
    """A short name per settings file: its draft, its watch state and its timer never mix with
    those of another settings file (a `--demo` run, a second shop on the same server) — and the
    same file spelt two ways is one file (one timer, one state: the owner is told once)."""
    import hashlib  # noqa: PLC0415 — hashlib adds 3 ms to sms_tui.settings.store (python -X importtime)

    return hashlib.sha256(str(canonical(path)).encode("utf-8")).hexdigest()[:16]


def invocation(path: Path) -> str:
    """How a command for these settings starts when printed for copying: `sms-tui`, or with
    `--config PATH` (absolute) unless they are the user's default file."""
    if canonical(path) == canonical(default_path(None, env={})):
        return program.name()
    return f"{program.name()} --config {shlex.quote(str(canonical(path)))}"


def control_characters(path: Path) -> bool:
    """A newline in a path written into a crontab line or a unit is a second line: refused."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in str(path))


def _corrupt(path: Path, line: int, reason: str) -> ConfigError:
    """"(wiersz 0)" meant nothing: without a line (a cut-off file, not UTF-8, too big) none is named."""
    if line > 0:
        return ConfigError("config.corrupt", path=path, line=line, reason=reason)
    return ConfigError("config.corrupt_file", path=path, reason=reason)


def _lineno(error: ValueError) -> int:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else 0




MAX_BYTES = 1 << 20  # a settings file is a few hundred bytes; anything past 1 MiB is not ours


def target(path: Path) -> Path:
    """The file behind `path`: a symlinked settings file is read and written through to its target,
    since that target is what the shop software reads."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder / directory"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "not a regular file"


def refuse_non_file(path: Path) -> bool:
    """True when the file exists; ConfigError("config.not_file") for a folder, device, FIFO… —
    checked with lstat before anything opens or chmods it (as root, a chmod of `--config /var/www`
    would take the shop down)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError("config.unreadable", path=path, reason=os_reason(exc)) from None
    if not stat.S_ISREG(mode):
        raise ConfigError("config.not_file", path=path, kind=_kind(mode))
    return True


def _read(path: Path) -> tuple[bytes, int, int]:
    """(content, mode, owner) of a regular file, opened without following links or blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ConfigError("config.unreadable", path=path, reason=os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped for something else since the lstat
            raise ConfigError("config.not_file", path=path, kind=_kind(info.st_mode))
        with os.fdopen(os.dup(fd), "rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError("config.unreadable", path=path, reason=os_reason(exc)) from None
    finally:
        os.close(fd)
    return content, info.st_mode, info.st_uid


def load(path: Path) -> tuple[Settings | None, list[ConfigError]]:
    """(settings or None when there is no file, warnings). Raises ConfigError for a bad file.

    Permissions wider than 0600 are tightened only once the file has proved to be our settings,
    and the warning always says whether that worked."""
    warnings: list[ConfigError] = []
    path = target(path)
    if not refuse_non_file(path):
        return None, warnings
    content, mode, _owner = _read(path)
    if len(content) > MAX_BYTES:
        raise _corrupt(path, 0, t("toml.too_big_size", size=len(content), limit=MAX_BYTES))
    from sms_tui import toml_read as tomllib  # noqa: PLC0415 — tomllib adds 5 ms to sms_tui.settings.store (python -X importtime); most starts have no settings file yet
    from sms_tui.i18n.reasons import not_utf8, toml_reason, unreadable_toml, validation_reasons  # noqa: PLC0415 — sms_tui.i18n.reasons adds 2 ms to sms_tui.settings.store (python -X importtime)

    try:
        data = tomllib.loads(content.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _corrupt(path, _lineno(exc), toml_reason(exc)) from None
    except UnicodeDecodeError as exc:
        raise _corrupt(path, 0, not_utf8(exc)) from None
    except (RecursionError, ValueError, MemoryError) as exc:  # nesting too deep, an integer too long…
        raise _corrupt(path, 0, unreadable_toml(exc)) from None
    from pydantic import ValidationError  # noqa: PLC0415 — pydantic adds 48 ms to sms_tui.settings.store (python -X importtime)

    from sms_tui.settings.model import Settings  # noqa: PLC0415 — sms_tui.settings.model adds 126 ms to sms_tui.settings.store (python -X importtime)

    schema = data.get("schema", SCHEMA)
    if isinstance(schema, int) and schema > SCHEMA:
        raise ConfigError("config.newer", path=path, schema=schema)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("config.invalid", path=path, reason="; ".join(validation_reasons(exc.errors()))) from None
    allowed = settings.files.mode  # a named shop group keeps its read: 0640 is what was asked for
    if stat.S_IMODE(mode) & ~allowed:
        warnings.append(_tighten(path, mode, allowed))
    return settings, warnings


def _tighten(path: Path, mode: int, allowed: int = 0o600) -> ConfigError:
    try:
        os.chmod(path, stat.S_IMODE(mode) & allowed, follow_symlinks=False)
    except (OSError, NotImplementedError) as exc:
        return ConfigError("config.wide", path=path, mode=f"{stat.S_IMODE(mode):04o}", reason=os_reason(exc),
                           allowed_chmod=f"{allowed:o}")
    now = stat.S_IMODE(os.lstat(path).st_mode)
    if now & ~allowed:
        return ConfigError("config.wide", path=path, mode=f"{now:04o}", reason="chmod", allowed_chmod=f"{allowed:o}")
    return ConfigError("config.tightened", path=path, mode=f"{stat.S_IMODE(mode):04o}", allowed=f"{now:04o}")


def file_mode(path: Path) -> int | None:
    """The settings file's permission bits as they are now (for doctor), None when absent."""
    try:
        return stat.S_IMODE(os.stat(target(path)).st_mode)
    except OSError:
        return None


def preflight(path: Path) -> None:
    """What a save needs, checked before anything is sent or charged: a regular file or none, a
    folder we can create files in, the lock free, no settings from a newer sms-tui. `apply` calls
    it before the test SMS; `--dry-run` too."""
    path = target(path)
    refuse_non_file(path)
    try:
        private_folder(path.parent)
        with locked(path, error=SettingsBusy):
            import tempfile  # noqa: PLC0415 — tempfile adds 6 ms to sms_tui.settings.store (python -X importtime)

            with tempfile.NamedTemporaryFile(prefix=f".{path.name}.", suffix=".probe", dir=path.parent):
                pass
            _keep_unreadable(path, overwrite_newer=False, keep_copy=False)
    except OSError as exc:
        raise ConfigError("config.unwritable", path=path, reason=_reason(exc)) from None


def _reason(exc: OSError) -> str:
    return os_reason(exc)


def save(settings: Settings, path: Path, *, overwrite_newer: bool = False) -> Path:
    """Write atomically with 0600 in a 0700 folder — or, with `[files] group`, root:GROUP 0640 in a
    0750 folder, with `[files] user` that user's 0600 — keeping a .bak of a file it could not read.
    A symlink is written through: the temp file goes beside its target, which is replaced."""
    path = target(path)
    refuse_non_file(path)
    owner = reader(settings)
    payload = render(settings)
    try:
        private_folder(path.parent)
        with locked(path, error=SettingsBusy):
            _keep_unreadable(path, overwrite_newer)
            if _differs(path, payload, settings.files.mode, owner):  # the same bytes: the same inode and mtime (a converge changes nothing)
                atomic_write(path, payload, mode=settings.files.mode, owner=owner)
            if owner is not None:
                _open_folder(path.parent, owner, group_only=settings.files.group is not None)
                _open_the_way(path.parent)
            if settings.export.env or settings.export.json_:  # the shop's copies, never left with an old sender or secret
                from sms_tui.settings import handoff  # noqa: PLC0415 — only with [export]

                handoff.refresh(settings, path)
    except OSError as exc:
        raise ConfigError("config.unwritable", path=path, reason=_reason(exc)) from None
    return path


def render(settings: Settings) -> bytes:
    """The file's bytes for these settings: what is compared before anything is written."""
    import tomli_w  # noqa: PLC0415 — tomli_w adds 2 ms to sms_tui.settings.store (python -X importtime)

    return tomli_w.dumps(settings.to_toml_dict()).encode("utf-8")


def would_change(settings: Settings, path: Path) -> bool:
    """Whether saving these settings would write anything: other bytes, mode or owner."""
    return _differs(target(path), render(settings), settings.files.mode, reader(settings))


def _differs(path: Path, payload: bytes, mode: int, owner: tuple[int, int] | None) -> bool:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode:
            return True
        if owner is not None and (info.st_uid, info.st_gid) != owner:
            return True
        with open(path, "rb") as file:
            return file.read(len(payload) + 1) != payload
    except OSError:
        return True


def reader(settings: Settings) -> tuple[int, int] | None:
    """(uid, gid) the file gets for the named shop group or user; None: the writer's own."""
    import grp  # noqa: PLC0415 — grp/pwd only when a reader is named
    import pwd  # noqa: PLC0415 — as above

    files = settings.files
    try:
        if files.group:
            return os.geteuid(), grp.getgrnam(files.group).gr_gid
        if files.user:
            entry = pwd.getpwnam(files.user)
            return entry.pw_uid, entry.pw_gid
    except KeyError:
        raise ConfigError("config.no_reader", name=files.group or files.user) from None
    return None


def reader_problem(*, group: str | None = None, user: str | None = None) -> str | None:
    """Why this server cannot give the settings to that group or user (the answers file and the
    wizard's summary step say the same), or None."""
    import grp  # noqa: PLC0415 — grp/pwd only when a reader is named
    import pwd  # noqa: PLC0415 — as above

    name, lookup, key = (group, grp.getgrnam, "answers.no_group") if group else (user, pwd.getpwnam, "answers.no_user")
    if not name:
        return None
    try:
        if re.match(constants.ACCOUNT_NAME, name) is None:
            raise KeyError(name)
        lookup(name)
    except KeyError:
        return t(key, name=name)
    return None


def readers(path: Path) -> tuple[str, str | None]:
    """The file's owner, and its group when the group may read it (for doctor)."""
    import grp  # noqa: PLC0415 — grp/pwd only for doctor's report
    import pwd  # noqa: PLC0415 — as above

    info = os.stat(target(path))
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = str(info.st_uid)
    if not info.st_mode & stat.S_IRGRP:
        return owner, None
    try:
        return owner, grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        return owner, str(info.st_gid)


def reachable(path: Path, files: Files) -> bool:
    """Whether the named group or user can open the file: read on it, and search on every folder above."""
    import grp  # noqa: PLC0415 — grp/pwd only for doctor's report
    import pwd  # noqa: PLC0415 — as above

    try:
        if files.user:
            entry = pwd.getpwnam(files.user)
            uid, gids = entry.pw_uid, {entry.pw_gid} | {g.gr_gid for g in grp.getgrall() if files.user in g.gr_mem}
        else:
            uid, gids = -1, {grp.getgrnam(files.group or "").gr_gid}
    except KeyError:
        return False
    if uid == 0:
        return True

    def allows(info: os.stat_result, bits: tuple[int, int, int]) -> bool:
        user_bit, group_bit, other_bit = bits
        if info.st_uid == uid:
            return bool(info.st_mode & user_bit)
        if info.st_gid in gids:
            return bool(info.st_mode & group_bit)
        return bool(info.st_mode & other_bit)

    file = target(path)
    try:
        if not allows(os.stat(file), (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH)):
            return False
        return all(allows(os.stat(folder), (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)) for folder in file.parents)
    except OSError:
        return False


def _open_the_way(folder: Path) -> None:
    """The folders sms-tui made on the way to a new settings folder (`--config /srv/new/dir/…`:
    ours, 0700, holding nothing but the next one): the reader may pass through them (0711), list
    nothing. A HOME, /root, or a folder holding anything else is left as it is."""
    child = folder
    for above in folder.parents:
        info = os.lstat(above)
        if (info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) != 0o700 or above in (Path.home(), Path("/root"))
                or os.listdir(above) != [child.name]):
            return
        os.chmod(above, 0o711)  # noqa: S103 — traverse only: the reader reaches its file, lists nothing
        child = above


def _open_folder(folder: Path, owner: tuple[int, int], *, group_only: bool) -> None:
    """The folder our private_folder made (ours, 0700) lets the reader in: the group traverses a
    0750 folder; a named user gets the folder. A folder someone else set up is left as it is."""
    info = os.stat(folder)
    if info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) != 0o700:
        return
    if group_only:
        os.chown(folder, -1, owner[1])
        os.chmod(folder, 0o750)  # noqa: S103 — the shop group must pass through; the file itself is 0640
    else:
        os.chown(folder, *owner)


def _keep_unreadable(path: Path, overwrite_newer: bool, *, keep_copy: bool = True) -> None:
    if not path.exists():
        return
    try:
        load(path)
    except ConfigError as exc:
        if exc.key in ("config.not_file", "config.unreadable") or (exc.key == "config.newer" and not overwrite_newer):
            raise
        if not keep_copy:
            return
        import shutil  # noqa: PLC0415 — shutil adds 3 ms to sms_tui.settings.store (python -X importtime); with tempfile below: `show` and `check` only read

        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
        backup.chmod(0o600)
