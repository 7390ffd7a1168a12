"""Server settings: secrets and where alerts go, from the environment or a settings file.

Nothing here belongs in the agreement everyone signs: webhook secrets, the SMTP password and
the Slack URL are operational secrets. They come from, in order of precedence,

1. environment variables (``REVPACT_WEBHOOK_SECRETS`` and the others below);
2. a TOML settings file: ``--settings PATH``, else ``$REVPACT_SETTINGS``, else
   ``./revpact.toml`` when it exists.

The settings file::

    [webhooks]
    secrets = ["whsec_new", "whsec_old"]     # REVPACT_WEBHOOK_SECRETS (comma-separated)
    hubspot_client_secret = "..."            # REVPACT_HUBSPOT_CLIENT_SECRET
    hubspot_mapping = "hubspot-mapping.yaml" # REVPACT_HUBSPOT_MAPPING (optional)
    tolerance_seconds = 300                  # REVPACT_WEBHOOK_TOLERANCE
    public_url = "https://revpact.example.com"  # REVPACT_PUBLIC_URL: the base URL callers use

    [alerts]
    slack_webhook_url = "https://hooks.slack.com/services/..."  # REVPACT_ALERT_WEBHOOK_URL
    email_to = ["sales-floor@example.com"]   # REVPACT_ALERT_EMAIL_TO (comma-separated)
    email_from = "revpact@example.com"       # REVPACT_ALERT_EMAIL_FROM
    interval_seconds = 30                    # REVPACT_ALERT_INTERVAL: how often to look
    enabled = true                           # REVPACT_ALERTS (0/false turns the scheduler off)

    [smtp]
    host = "smtp.example.com"                # REVPACT_SMTP_HOST
    port = 587                               # REVPACT_SMTP_PORT
    username = "..."                         # REVPACT_SMTP_USERNAME
    password = "..."                         # REVPACT_SMTP_PASSWORD
    starttls = true                          # REVPACT_SMTP_STARTTLS

    [dashboard]
    cookie_secure = true                     # REVPACT_COOKIE_SECURE: Secure cookies also over
                                             # plain HTTP (behind a proxy that ends TLS)
    session_idle_minutes = 480               # REVPACT_SESSION_IDLE_MINUTES: unused that long, a
                                             # dashboard session ends
    session_max_hours = 168                  # REVPACT_SESSION_MAX_HOURS: however used, it ends then

    [oidc]                                   # signing in with the company's identity provider
    issuer = "https://login.example.com"     # REVPACT_OIDC_ISSUER (its discovery document is
                                             # <issuer>/.well-known/openid-configuration)
    client_id = "revpact"                    # REVPACT_OIDC_CLIENT_ID
                                             # the client secret: REVPACT_OIDC_CLIENT_SECRET only
    name = "Okta"                            # REVPACT_OIDC_NAME: "Sign in with Okta"
    scopes = ["openid", "email", "profile", "groups"]  # REVPACT_OIDC_SCOPES (comma-separated)
    allowed_domains = ["example.com"]        # REVPACT_OIDC_ALLOWED_DOMAINS (optional)
    groups_claim = "groups"                  # REVPACT_OIDC_GROUPS_CLAIM
    group_roles = { "revpact-admins" = "admin", "sales-floor" = "sales" }
                                             # REVPACT_OIDC_GROUP_ROLES ("group=role,...");
                                             # the first group listed that a person is in wins

The redirect URL to register at the provider is ``<public_url>/login/oidc/callback``
(``public_url`` of ``[webhooks]``; without one, the URL the browser used).

A relative path in the file is read relative to the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from revpact.alerts.settings import AlertSettings, SmtpSettings
from revpact.domain.roles import Role
from revpact.errors import RevpactError

__all__ = [
    "DEFAULT_SETTINGS_FILE",
    "AlertSettings",
    "DashboardSettings",
    "OidcSettings",
    "Settings",
    "SmtpSettings",
    "WebhookSettings",
    "load_settings",
]

DEFAULT_SETTINGS_FILE: Final = "revpact.toml"
_LONGEST_SESSION: Final = timedelta(days=90)  # a session setting longer than this is a typo
_SECTIONS: Final = {
    "webhooks": {
        "secrets",
        "hubspot_client_secret",
        "hubspot_mapping",
        "tolerance_seconds",
        "public_url",
    },
    "alerts": {"slack_webhook_url", "email_to", "email_from", "interval_seconds", "enabled"},
    "smtp": {"host", "port", "username", "password", "starttls"},
    "dashboard": {"cookie_secure", "session_idle_minutes", "session_max_hours"},
    "oidc": {
        "issuer",
        "client_id",
        "name",
        "scopes",
        "allowed_domains",
        "groups_claim",
        "group_roles",
    },
}


@dataclass(frozen=True)
class WebhookSettings:
    """Secrets for the signed webhooks; an empty ``secrets`` refuses every revpact event."""

    secrets: tuple[str, ...] = ()
    hubspot_client_secret: str | None = None
    hubspot_mapping: Path | None = None
    tolerance_seconds: int = 300
    public_url: str | None = None  # behind a proxy: the base URL senders call (HubSpot signs it)


@dataclass(frozen=True)
class DashboardSettings:
    """The dashboard's sign-in: cookies and how long a session lasts.

    ``cookie_secure`` marks the session cookie ``Secure`` even when the request reached revpact
    over plain HTTP — behind a proxy that ends TLS, where revpact cannot see the ``https``.
    A session ends after ``session_idle`` without a request, and ``session_lifetime`` after it
    began however much it is used."""

    cookie_secure: bool = False
    session_idle: timedelta = timedelta(hours=8)
    session_lifetime: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class OidcSettings:
    """Signing in with the company's identity provider (OpenID Connect); off without an
    ``issuer`` and a ``client_id``. ``group_roles`` maps names in the ``groups_claim`` to roles
    in priority order; ``allowed_domains``, when given, are the only e-mail domains admitted."""

    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    name: str = "OpenID Connect"
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    allowed_domains: tuple[str, ...] = ()
    groups_claim: str = "groups"
    group_roles: Mapping[str, Role] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


@dataclass(frozen=True)
class Settings:
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    oidc: OidcSettings = field(default_factory=OidcSettings)
    source: Path | None = None  # the settings file read, if any


def load_settings(
    explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """The settings from ``env`` (default: the process environment) over the settings file."""
    env = os.environ if env is None else env
    path = _settings_path(explicit, env)
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_file(path)
    hooks, alerts, smtp, board, oidc = (
        dict(raw.get(s, {})) for s in ("webhooks", "alerts", "smtp", "dashboard", "oidc")
    )
    base = path.parent if path is not None else Path.cwd()
    where = str(path) if path is not None else "settings"

    def text(section: dict[str, Any], key: str, var: str) -> str | None:
        if env.get(var):
            return env[var]
        value = section.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise RevpactError(f"{where}: {key} must be text, not {value!r}")
        return value

    def texts(section: dict[str, Any], key: str, var: str) -> tuple[str, ...]:
        if env.get(var):
            return tuple(s.strip() for s in env[var].split(",") if s.strip())
        value = section.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RevpactError(f"{where}: {key} must be a list of text, not {value!r}")
        return tuple(value)

    def number(section: dict[str, Any], key: str, var: str, default: float) -> float:
        value: Any = env.get(var) or section.get(key, default)
        try:
            result = float(value)
        except (TypeError, ValueError):
            raise RevpactError(f"{var or key}: {value!r} is not a number") from None
        if result <= 0:
            raise RevpactError(f"{var or key}: must be more than 0, not {value!r}")
        return result

    def span(section: dict[str, Any], key: str, var: str, default: float, unit: int) -> timedelta:
        """``number`` of ``unit`` seconds, at most :data:`_LONGEST_SESSION`."""
        value = number(section, key, var, default)
        if not value * unit <= _LONGEST_SESSION.total_seconds():
            raise RevpactError(
                f"{var} ({key}): at most {_LONGEST_SESSION.days} days, not {value!r}"
            )
        return timedelta(seconds=value * unit)

    def flag(section: dict[str, Any], key: str, var: str, default: bool) -> bool:
        if env.get(var):
            word = env[var].strip().lower()
            if word not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise RevpactError(f"{var}: {env[var]!r} is not true or false")
            return word in {"1", "true", "yes", "on"}
        value = section.get(key, default)
        if not isinstance(value, bool):
            raise RevpactError(f"{where}: {key} must be true or false, not {value!r}")
        return value

    def group_roles(section: dict[str, Any], var: str) -> dict[str, Role]:
        value: Any = section.get("group_roles", {})
        if env.get(var):
            pairs = [p.partition("=") for p in env[var].split(",") if p.strip()]
            if any(not sep for _, sep, _ in pairs):
                raise RevpactError(f"{var}: {env[var]!r} is not group=role,group=role")
            value = {group.strip(): role.strip() for group, _, role in pairs}
        if not isinstance(value, dict):
            raise RevpactError(f"{where}: group_roles must be a table, not {value!r}")
        roles: dict[str, Role] = {}
        for group, role in value.items():
            if role not in {r.value for r in Role}:
                known = ", ".join(r.value for r in Role)
                raise RevpactError(
                    f"{var} (group_roles): group {group!r} has the role {role!r}; "
                    f"the roles are {known}"
                )
            roles[group] = Role(role)
        return roles

    mapping = text(hooks, "hubspot_mapping", "REVPACT_HUBSPOT_MAPPING")
    scopes = texts(oidc, "scopes", "REVPACT_OIDC_SCOPES") or OidcSettings.scopes
    if "openid" not in scopes:
        raise RevpactError(f"REVPACT_OIDC_SCOPES (scopes): must include openid, not {scopes!r}")
    return Settings(
        webhooks=WebhookSettings(
            secrets=texts(hooks, "secrets", "REVPACT_WEBHOOK_SECRETS"),
            hubspot_client_secret=text(
                hooks, "hubspot_client_secret", "REVPACT_HUBSPOT_CLIENT_SECRET"
            ),
            hubspot_mapping=None if mapping is None else base / mapping,
            tolerance_seconds=int(
                number(hooks, "tolerance_seconds", "REVPACT_WEBHOOK_TOLERANCE", 300)
            ),
            public_url=text(hooks, "public_url", "REVPACT_PUBLIC_URL"),
        ),
        alerts=AlertSettings(
            slack_webhook_url=text(alerts, "slack_webhook_url", "REVPACT_ALERT_WEBHOOK_URL"),
            email_to=texts(alerts, "email_to", "REVPACT_ALERT_EMAIL_TO"),
            email_from=text(alerts, "email_from", "REVPACT_ALERT_EMAIL_FROM")
            or "revpact@localhost",
            interval_seconds=number(alerts, "interval_seconds", "REVPACT_ALERT_INTERVAL", 30.0),
            enabled=flag(alerts, "enabled", "REVPACT_ALERTS", True),
        ),
        smtp=SmtpSettings(
            host=text(smtp, "host", "REVPACT_SMTP_HOST"),
            port=int(number(smtp, "port", "REVPACT_SMTP_PORT", 25)),
            username=text(smtp, "username", "REVPACT_SMTP_USERNAME"),
            password=text(smtp, "password", "REVPACT_SMTP_PASSWORD"),
            starttls=flag(smtp, "starttls", "REVPACT_SMTP_STARTTLS", False),
        ),
        dashboard=DashboardSettings(
            cookie_secure=flag(board, "cookie_secure", "REVPACT_COOKIE_SECURE", False),
            session_idle=span(
                board, "session_idle_minutes", "REVPACT_SESSION_IDLE_MINUTES", 480, 60
            ),
            session_lifetime=span(
                board, "session_max_hours", "REVPACT_SESSION_MAX_HOURS", 168, 3600
            ),
        ),
        oidc=OidcSettings(
            issuer=text(oidc, "issuer", "REVPACT_OIDC_ISSUER"),
            client_id=text(oidc, "client_id", "REVPACT_OIDC_CLIENT_ID"),
            client_secret=env.get("REVPACT_OIDC_CLIENT_SECRET") or None,
            name=text(oidc, "name", "REVPACT_OIDC_NAME") or OidcSettings.name,
            scopes=scopes,
            allowed_domains=tuple(
                d.casefold().lstrip("@")
                for d in texts(oidc, "allowed_domains", "REVPACT_OIDC_ALLOWED_DOMAINS")
            ),
            groups_claim=text(oidc, "groups_claim", "REVPACT_OIDC_GROUPS_CLAIM")
            or OidcSettings.groups_claim,
            group_roles=group_roles(oidc, "REVPACT_OIDC_GROUP_ROLES"),
        ),
        source=path,
    )


def _settings_path(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path | None:
    if explicit is not None:
        path = Path(explicit)
        if not path.exists():
            raise RevpactError(f"no settings file at {path}")
        return path
    if env.get("REVPACT_SETTINGS"):
        path = Path(env["REVPACT_SETTINGS"])
        if not path.exists():
            raise RevpactError(f"no settings file at {path} (named by REVPACT_SETTINGS)")
        return path
    default = Path(DEFAULT_SETTINGS_FILE)
    return default if default.exists() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RevpactError(f"cannot read the settings file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RevpactError(f"{path}: not a valid TOML file: {exc}") from None
    for section, value in raw.items():
        if section not in _SECTIONS:
            known = ", ".join(sorted(_SECTIONS))
            raise RevpactError(f"{path}: unknown section [{section}]; the sections are {known}")
        if not isinstance(value, dict):
            raise RevpactError(f"{path}: {section} must be a [{section}] table")
        for key in value:
            if key not in _SECTIONS[section]:
                known = ", ".join(sorted(_SECTIONS[section]))
                raise RevpactError(
                    f"{path}: unknown key {key} in [{section}]; the keys are {known}"
                )
    return raw
