"""Settings: environment over file, lists and flags, and clear errors for a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from revpact.errors import RevpactError
from revpact.server.settings import load_settings

FILE = """
[webhooks]
secrets = ["whsec_new", "whsec_old"]
hubspot_client_secret = "hs-secret"
hubspot_mapping = "maps/hubspot.yaml"

[alerts]
slack_webhook_url = "http://127.0.0.1:9/hook"
email_to = ["floor@example.com", "lead@example.com"]
interval_seconds = 5

[smtp]
host = "127.0.0.1"
port = 2525
starttls = true
"""


def test_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "revpact.toml"
    path.write_text(FILE, encoding="utf-8")
    settings = load_settings(path, env={})
    assert settings.webhooks.secrets == ("whsec_new", "whsec_old")
    assert settings.webhooks.hubspot_client_secret == "hs-secret"
    assert settings.webhooks.hubspot_mapping == tmp_path / "maps" / "hubspot.yaml"
    assert settings.webhooks.tolerance_seconds == 300
    assert settings.alerts.channels == ("slack", "email")
    assert settings.alerts.email_to == ("floor@example.com", "lead@example.com")
    assert settings.alerts.interval_seconds == 5
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.starttls) == (
        "127.0.0.1",
        2525,
        True,
    )
    assert settings.source == path


def test_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "revpact.toml"
    path.write_text(FILE, encoding="utf-8")
    env = {
        "REVPACT_SETTINGS": str(path),
        "REVPACT_WEBHOOK_SECRETS": "a, b ,,c",
        "REVPACT_ALERTS": "off",
        "REVPACT_SMTP_PORT": "1025",
    }
    settings = load_settings(env=env)
    assert settings.webhooks.secrets == ("a", "b", "c")
    assert settings.alerts.enabled is False
    assert settings.smtp.port == 1025
    assert settings.alerts.slack_webhook_url == "http://127.0.0.1:9/hook"


def test_no_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.webhooks.secrets == ()
    assert settings.alerts.channels == ()
    assert settings.source is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[webhook]\nsecrets = []\n", "unknown section [webhook]"),
        ("[alerts]\nslack_url = 'x'\n", "unknown key slack_url in [alerts]"),
        ("[alerts]\nenabled = 'yes'\n", "enabled must be true or false"),
        ("[webhooks]\nsecrets = [1]\n", "secrets must be a list of text"),
        ("[smtp]\nport = -1\n", "must be more than 0"),
        ("[smtp\n", "not a valid TOML file"),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "revpact.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RevpactError, match=message.replace("[", r"\[")):
        load_settings(path, env={})


def test_a_bad_environment_value_is_named() -> None:
    with pytest.raises(RevpactError, match="REVPACT_ALERTS: 'maybe' is not true or false"):
        load_settings(env={"REVPACT_ALERTS": "maybe"})
    with pytest.raises(RevpactError, match="no settings file at"):
        load_settings(env={"REVPACT_SETTINGS": "/nonexistent/revpact.toml"})


def test_the_dashboard_settings_have_sane_defaults_and_are_read(tmp_path: Path) -> None:
    from datetime import timedelta

    default = load_settings(env={}).dashboard
    assert default.cookie_secure is False
    assert (default.session_idle, default.session_lifetime) == (
        timedelta(hours=8),
        timedelta(days=7),
    )
    path = tmp_path / "revpact.toml"
    path.write_text(
        "[dashboard]\ncookie_secure = true\nsession_idle_minutes = 30\nsession_max_hours = 12\n",
        encoding="utf-8",
    )
    read = load_settings(path, env={}).dashboard
    assert read.cookie_secure is True
    assert (read.session_idle, read.session_lifetime) == (
        timedelta(minutes=30),
        timedelta(hours=12),
    )
    forced = load_settings(path, env={"REVPACT_COOKIE_SECURE": "0"}).dashboard
    assert forced.cookie_secure is False
    assert load_settings(env={"REVPACT_COOKIE_SECURE": "yes"}).dashboard.cookie_secure is True


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "1e300", "2161", "soon"])
def test_a_bad_session_length_is_refused_naming_it(value: str) -> None:
    with pytest.raises(RevpactError, match="REVPACT_SESSION_MAX_HOURS"):
        load_settings(env={"REVPACT_SESSION_MAX_HOURS": value})


def test_the_oidc_settings_are_read_and_the_secret_only_from_the_environment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "revpact.toml"
    path.write_text(
        '[oidc]\nissuer = "https://login.example.com"\nclient_id = "revpact"\n'
        'allowed_domains = ["@Example.com"]\n'
        'group_roles = { "admins" = "admin", "floor" = "sales" }\n',
        encoding="utf-8",
    )
    oidc = load_settings(path, env={"REVPACT_OIDC_CLIENT_SECRET": "shh"}).oidc
    assert oidc.enabled and oidc.client_secret == "shh"
    assert oidc.allowed_domains == ("example.com",)
    assert [(g, r.value) for g, r in oidc.group_roles.items()] == [
        ("admins", "admin"),
        ("floor", "sales"),
    ]
    assert oidc.scopes == ("openid", "email", "profile")
    env = {"REVPACT_OIDC_GROUP_ROLES": "ops=viewer", "REVPACT_OIDC_SCOPES": "openid,email"}
    again = load_settings(path, env=env).oidc
    assert dict(again.group_roles) == {"ops": "viewer"} and again.scopes == ("openid", "email")
    assert not load_settings(env={}).oidc.enabled


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"REVPACT_OIDC_GROUP_ROLES": "ops=boss"}, "'boss'"),
        ({"REVPACT_OIDC_GROUP_ROLES": "ops"}, "REVPACT_OIDC_GROUP_ROLES"),
        ({"REVPACT_OIDC_SCOPES": "email"}, "openid"),
    ],
)
def test_a_bad_oidc_setting_is_refused_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(RevpactError, match=named):
        load_settings(env=env)
