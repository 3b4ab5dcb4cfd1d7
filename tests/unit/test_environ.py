"""Settings fail loudly, naming the variable, when the environment is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from medbridge import environ


def test_booleans_accept_the_usual_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert environ.env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert environ.env_bool("X_FLAG", True) is False


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda: environ.env_bool("X_VAR", False), "maybe", "X_VAR='maybe' is not a boolean"),
        (lambda: environ.env_int("X_VAR", 1), "ten", "X_VAR='ten' is not an integer"),
        (lambda: environ.env_int("X_VAR", 1, minimum=180), "30", "X_VAR=30 is below the minimum 180"),
        (lambda: environ.env_choice("X_VAR", "a", ("a", "b")), "c", "X_VAR='c' must be one of a, b"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, reader: object, value: str, message: str
) -> None:
    monkeypatch.setenv("X_VAR", value)
    with pytest.raises(environ.SettingsError, match=message):
        reader()  # type: ignore[operator]


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    env = {"MEDBRIDGE_DEBUG": "0", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import medbridge.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "MEDBRIDGE_SECRET_KEY" in result.stderr


def test_an_unknown_database_url_is_refused() -> None:
    env = {"DATABASE_URL": "mysql://x@y/z", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import medbridge.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert "DATABASE_URL must start with postgres:// or sqlite:///" in result.stderr


def test_a_secret_comes_from_the_variable_or_else_from_the_file_it_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "pii_key").write_text("from-the-file\n")
    monkeypatch.delenv("MEDBRIDGE_PII_KEY", raising=False)
    monkeypatch.setenv("MEDBRIDGE_PII_KEY_FILE", str(tmp_path / "pii_key"))

    assert environ.env_secret("MEDBRIDGE_PII_KEY", "default") == "from-the-file"
    monkeypatch.setenv("MEDBRIDGE_PII_KEY", "from-the-variable")
    assert environ.env_secret("MEDBRIDGE_PII_KEY", "default") == "from-the-variable"


def test_a_secret_file_that_cannot_be_read_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MEDBRIDGE_PII_KEY", raising=False)
    monkeypatch.setenv("MEDBRIDGE_PII_KEY_FILE", str(tmp_path / "missing"))

    with pytest.raises(environ.SettingsError, match="MEDBRIDGE_PII_KEY_FILE"):
        environ.env_secret("MEDBRIDGE_PII_KEY", "default")
