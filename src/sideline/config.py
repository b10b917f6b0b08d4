"""Read Sideline's configuration from the environment, before Django starts.

Kept free of Django so that the CLI can report a bad setting as one clear line.
"""

from __future__ import annotations

import math
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Config",
    "ConfigurationError",
    "FederationConfig",
    "Limits",
    "RecordPeerConfig",
    "default_data_dir",
    "load_config",
    "load_federation_config",
    "load_limits",
    "load_record_peer_config",
]


class ConfigurationError(Exception):
    """An environment variable holds a value Sideline cannot use."""


_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool
    # The organizations this node hosts, from SIDELINE_ORGANIZATIONS; None when unset.
    organizations: tuple[str, ...] | None = None


def default_data_dir() -> Path:
    """Return the per-user directory, following the XDG base-directory convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sideline"


def _secret_key(data_dir: Path) -> str:
    given = os.environ.get("SIDELINE_SECRET_KEY")
    if given:
        return given
    # A generated key is kept so that sessions survive a restart; 0600 because it signs them.
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600, exist_ok=True)
    key_file.write_text(key, encoding="utf-8")
    return key


_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def _organizations() -> tuple[str, ...] | None:
    """Return the codes of SIDELINE_ORGANIZATIONS, checked for form only.

    Whether each names an organization of the registry is checked once Django is up
    (``sideline.node``): the registry lives in the database.
    """
    raw = os.environ.get("SIDELINE_ORGANIZATIONS")
    if raw is None or not raw.strip():
        return None
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    for code in codes:
        if not _CODE.fullmatch(code):
            raise ConfigurationError(
                f"SIDELINE_ORGANIZATIONS: {code!r} is not an organization code; "
                "give lowercase codes separated by commas, e.g. nato or nato,csto"
            )
    return tuple(dict.fromkeys(codes))


@dataclass(frozen=True)
class RecordPeerConfig:
    """How this node treats its peers (docs/configuration.md, "The record's peers")."""

    witnesses: tuple[str, ...] = ()
    peer_max_bytes: int = 17 * 1024 * 1024
    peer_timeout: float = 30.0
    sync_deadline: float = 600.0
    stale_after_hours: float = 168.0


def _env_number(
    name: str, default: float, *, kind: type[int] | type[float] = float, allow_zero: bool = False
) -> float:
    """Read a numeric variable; unset or blank gives ``default``.

    Raises:
        ConfigurationError: not a finite number of ``kind`` above 0 (or 0 when allowed),
            naming the variable and its default.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value: float = kind(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        floor = "0 or more" if allow_zero else "more than 0"
        raise ConfigurationError(
            f"{name}: {raw!r} is not a number {floor}; unset it for the default ({default:g})"
        )
    return value


def load_record_peer_config() -> RecordPeerConfig:
    """Read the record variables that govern peers (docs/configuration.md).

    Raises:
        ConfigurationError: a variable is set to something unusable.
    """
    witnesses = tuple(
        slug.strip() for slug in os.environ.get("SIDELINE_RECORD_WITNESSES", "").split(",")
    )
    witnesses = tuple(slug for slug in witnesses if slug)
    for slug in witnesses:
        if not _SLUG.fullmatch(slug):
            raise ConfigurationError(
                f"SIDELINE_RECORD_WITNESSES: {slug!r} is not an organization slug; "
                "give slugs separated by commas, e.g. csto,sco"
            )
    default = RecordPeerConfig()
    max_bytes = _env_number("SIDELINE_RECORD_PEER_MAX_BYTES", default.peer_max_bytes)
    return RecordPeerConfig(
        witnesses=witnesses,
        peer_max_bytes=int(max_bytes),
        peer_timeout=_env_number("SIDELINE_RECORD_PEER_TIMEOUT", default.peer_timeout),
        sync_deadline=_env_number("SIDELINE_RECORD_SYNC_DEADLINE", default.sync_deadline),
        stale_after_hours=_env_number(
            "SIDELINE_RECORD_STALE_AFTER", default.stale_after_hours, allow_zero=True
        ),
    )


@dataclass(frozen=True)
class FederationConfig:
    """How this node follows its peers (docs/configuration.md, "The federation")."""

    # None: ``<data dir>/federation.json``.
    file: Path | None = None
    pull_interval: float = 30.0
    tick: float = 0.5
    stale_after: float = 300.0
    push_rate: int = 120
    push_timeout: float = 5.0
    follower: bool = True


def load_federation_config() -> FederationConfig:
    """Read the variables of the federation (docs/configuration.md).

    Raises:
        ConfigurationError: a variable is set to something unusable.
    """
    default = FederationConfig()
    raw_file = os.environ.get("SIDELINE_FEDERATION_FILE", "").strip()
    follower = os.environ.get("SIDELINE_FEDERATION_FOLLOWER", "on").strip().lower()
    if follower not in {"on", "off", "1", "0", "true", "false", "yes", "no", ""}:
        raise ConfigurationError(
            f"SIDELINE_FEDERATION_FOLLOWER: {follower!r} is neither on nor off; "
            "unset it to run the follower inside `sideline serve`"
        )
    return FederationConfig(
        file=Path(raw_file).expanduser() if raw_file else None,
        pull_interval=_env_number("SIDELINE_FEDERATION_PULL_INTERVAL", default.pull_interval),
        tick=_env_number("SIDELINE_FEDERATION_TICK", default.tick),
        stale_after=_env_number("SIDELINE_FEDERATION_STALE_AFTER", default.stale_after),
        push_rate=int(_env_number("SIDELINE_FEDERATION_PUSH_RATE", default.push_rate, kind=int)),
        push_timeout=_env_number("SIDELINE_FEDERATION_PUSH_TIMEOUT", default.push_timeout),
        follower=follower in {"on", "1", "true", "yes", ""},
    )


def load_config() -> Config:
    """Read and check every SIDELINE_* variable.

    Raises:
        ConfigurationError: a variable is set to something unusable.
    """
    raw_dir = os.environ.get("SIDELINE_DATA_DIR")
    data_dir = Path(raw_dir).expanduser() if raw_dir else default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"SIDELINE_DATA_DIR: cannot create {data_dir}: {error.strerror}; "
            "point it at a writable directory"
        ) from error
    database_url = (
        os.environ.get("SIDELINE_DATABASE_URL") or f"sqlite:///{data_dir / 'sideline.sqlite3'}"
    )
    if "://" not in database_url:
        raise ConfigurationError(
            f"SIDELINE_DATABASE_URL: {database_url!r} is not a URL; "
            "use e.g. postgres://user@127.0.0.1:5432/sideline or sqlite:////path/db.sqlite3"
        )
    debug = os.environ.get("SIDELINE_DEBUG", "").lower() in {"1", "true", "yes", "on"}
    load_record_peer_config()
    load_federation_config()
    return Config(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=_secret_key(data_dir),
        debug=debug,
        organizations=_organizations(),
    )


@dataclass(frozen=True)
class Limits:
    """What one request may cost the node (docs/security.md, "Limits: size, time and rate")."""

    max_body_bytes: int
    max_upload_bytes: int
    solve_concurrency: int
    solve_max_seconds: float


def load_limits() -> Limits:
    """Read the SIDELINE_* variables that bound requests.

    Raises:
        ConfigurationError: a limit is not a positive number.
    """
    return Limits(
        max_body_bytes=int(_env_number("SIDELINE_MAX_BODY_BYTES", 2 * 1024 * 1024, kind=int)),
        max_upload_bytes=int(_env_number("SIDELINE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, kind=int)),
        solve_concurrency=int(_env_number("SIDELINE_SOLVE_CONCURRENCY", 2, kind=int)),
        solve_max_seconds=_env_number("SIDELINE_SOLVE_MAX_SECONDS", 10.0),
    )
