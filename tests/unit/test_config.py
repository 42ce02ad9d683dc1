"""The settings table: precedence, validation, masking, and documentation."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from wirewatch.config import SETTINGS, load_settings
from wirewatch.errors import SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_allow_no_private_networks() -> None:
    settings = load_settings(env={}, toml_path=Path("/nonexistent.toml"))
    assert settings.allow_networks == ()
    assert settings.respect_robots is True


def test_environment_overrides_toml_overrides_defaults(tmp_path: Path) -> None:
    toml = tmp_path / "wirewatch.toml"
    toml.write_text('db = "from-toml.db"\nfetch_deadline = 7\nallow_networks = ["127.0.0.0/8"]\n')
    settings = load_settings(env={"WIREWATCH_FETCH_DEADLINE": "3.5"}, toml_path=toml)
    assert settings.db == "from-toml.db"
    assert settings.fetch_deadline == 3.5
    assert settings.allow_networks == (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FETCH_DEADLINE", "-1"),
        ("MAX_BODY_BYTES", "lots"),
        ("ALLOW_NETWORKS", "10.0.0.0/33"),
        ("RESPECT_ROBOTS", "maybe"),
    ],
)
def test_bad_values_give_one_line_errors_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env={f"WIREWATCH_{name}": value}, toml_path=Path("/nonexistent.toml"))
    message = str(info.value)
    assert name.lower() in message
    assert "\n" not in message


def test_unknown_setting_in_toml_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "wirewatch.toml"
    toml.write_text("fetch_deadlin = 3\n")
    with pytest.raises(SettingsError, match="fetch_deadlin"):
        load_settings(env={}, toml_path=toml)


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in doc, setting.name
        assert f"`WIREWATCH_{setting.name.upper()}`" in doc, setting.name


def test_the_smtp_password_is_masked_and_the_public_url_checked() -> None:
    settings = load_settings(
        env={"WIREWATCH_SMTP_PASSWORD": "hunter2", "WIREWATCH_PUBLIC_URL": "https://news.example.org/"},
        toml_path=Path("/nonexistent.toml"),
    )
    assert settings.smtp_password == "hunter2"
    assert "hunter2" not in str(settings.describe())
    assert settings.public_url == "https://news.example.org"  # links append their own path
    for bad in ("news.example.org", "javascript:alert(1)", "https://x.org/a b", "https://x.org/?q=1"):
        with pytest.raises(SettingsError, match="public_url"):
            load_settings(env={"WIREWATCH_PUBLIC_URL": bad}, toml_path=Path("/nonexistent.toml"))
