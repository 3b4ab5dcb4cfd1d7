"""Typed readers for the environment.

Settings read the process environment only through these helpers so a bad value
fails at start-up with a message naming the variable, instead of surfacing later
as a confusing runtime error.
"""

from __future__ import annotations

import os
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A variable is set to a value we cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name}={value} is below the minimum {minimum}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise SettingsError(f"{name}={value!r} must be one of {', '.join(choices)}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str) -> str:
    """A secret from ``NAME`` or, so it stays out of the process environment and
    unit files, from the file named by ``NAME_FILE`` (a Docker or systemd credential)."""
    if value := os.environ.get(name):
        return value
    if path := os.environ.get(f"{name}_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise SettingsError(f"{name}_FILE={path!r}: {exc.strerror}") from None
    return default


def secret_key(base_dir: Path, *, debug: bool) -> str:
    """The secret key from MEDBRIDGE_SECRET_KEY, MEDBRIDGE_SECRET_KEY_FILE or, for
    development only, a key generated once into var/secret_key."""
    if value := env_secret("MEDBRIDGE_SECRET_KEY", ""):
        return value
    if not debug:
        raise SettingsError("MEDBRIDGE_SECRET_KEY or MEDBRIDGE_SECRET_KEY_FILE must be set when MEDBRIDGE_DEBUG is off")
    return _development_key(base_dir / "var" / "secret_key")


def _development_key(path: Path) -> str:
    # A generated key keeps sessions and encrypted fields stable across restarts
    # of a development checkout without anyone committing a key.
    if path.exists():
        return path.read_text().strip()
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
