"""Typed settings, read once from an injected mapping (normally os.environ).

In Azure every value comes from app settings (secrets through Key Vault references). In local
development the storage defaults point at Azurite and the JWT keys and pepper are generated once
under var/ so that no secret ever lives in the repository.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shared.domain.errors import JournalError
from shared.domain.quotas import PARENT_PHOTOS_PER_DAY, STAFF_PHOTOS_PER_DAY
from shared.domain.throttle import VERIFIES_PER_CLIENT_MINUTE

AZURITE_CONNECTION = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
    "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
)

# Values that show a secret was copied from an example instead of generated.
# S2: the Pwned Passwords range API, asked in production unless JOURNAL_PWNED_PASSWORDS_URL is "off".
PWNED_PASSWORDS_API = "https://api.pwnedpasswords.com"

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "placeholder", "todo", "xxx"}

# RFC 7518 3.2 and docs/security.md S21: HMAC keys of at least 256 bits.
MIN_KEY_BYTES = 32

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(JournalError):
    """The configuration is missing a value or holds an unsafe one."""

    code = "config_error"


@dataclass(frozen=True, repr=False)
class StorageConfig:
    """Where the data lives: a connection string (Azurite, local) or endpoints plus identity."""

    connection_string: str | None
    table_endpoint: str | None = None
    blob_endpoint: str | None = None
    queue_endpoint: str | None = None
    managed_identity_client_id: str | None = None

    @property
    def uses_account_key(self) -> bool:
        return self.connection_string is not None


@dataclass(frozen=True, repr=False)
class MailConfig:
    transport: str  # "smtp" or "folder"
    sender: str
    folder: Path
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True


@dataclass(frozen=True, repr=False)
class Config:
    environment: str  # "local" or "production"
    public_base_url: str
    storage: StorageConfig
    mail: MailConfig
    jwt_keys: Mapping[str, bytes]
    jwt_current_kid: str
    peppers: Mapping[str, bytes]
    pepper_current: str
    argon2_profile: str
    password_min_length: int = 12
    session_idle_seconds: int = 30 * 60
    session_absolute_seconds: int = 12 * 60 * 60
    reset_link_seconds: int = 60 * 60
    activation_link_seconds: int = 72 * 60 * 60
    photo_max_bytes: int = 10 * 1024 * 1024
    photos_per_day_parent: int = PARENT_PHOTOS_PER_DAY  # S26
    photos_per_day_staff: int = STAFF_PHOTOS_PER_DAY  # S26
    pwned_passwords_url: str | None = None  # None: no breach API is asked
    verifies_per_client_minute: int = VERIFIES_PER_CLIENT_MINUTE  # S10, per instance
    var_dir: Path = field(default=ROOT / "var")
    # S32: the AES-GCM key ring that seals authenticator secrets, held outside Table Storage.
    sealing_keys: Mapping[str, bytes] = field(default_factory=dict)
    sealing_current: str = ""

    @property
    def is_local(self) -> bool:
        return self.environment == "local"

    @property
    def public_origin(self) -> str:
        scheme, _, rest = self.public_base_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    @property
    def secure_cookies(self) -> bool:
        """Secure cookies are relaxed only for plain-http local development (S19)."""
        return not (self.is_local and self.public_base_url.startswith("http://"))


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read and validate every setting; raise ConfigError naming the first bad one."""
    env = os.environ if env is None else env
    environment = env.get("JOURNAL_ENVIRONMENT", "production")
    if environment not in {"local", "production"}:
        raise ConfigError("JOURNAL_ENVIRONMENT must be 'local' or 'production'")
    local = environment == "local"
    var_dir = Path(env.get("JOURNAL_VAR_DIR", str(ROOT / "var")))

    # localhost, not 127.0.0.1: passkeys need an RP ID that is a domain name (S31).
    public_base_url = env.get("JOURNAL_PUBLIC_BASE_URL", "http://localhost:7071" if local else "")
    if not public_base_url.startswith("https://") and not local:
        raise ConfigError("JOURNAL_PUBLIC_BASE_URL must be an https:// URL outside local development")

    generated = _local_secrets(var_dir) if local else {}
    jwt_keys = _key_ring(env, "JOURNAL_JWT_KEYS", generated.get("jwt_keys"))
    peppers = _key_ring(env, "JOURNAL_PEPPERS", generated.get("peppers"))
    jwt_current = env.get("JOURNAL_JWT_CURRENT_KID", next(iter(jwt_keys)))
    pepper_current = env.get("JOURNAL_PEPPER_CURRENT", next(iter(peppers)))
    if jwt_current not in jwt_keys:
        raise ConfigError("JOURNAL_JWT_CURRENT_KID names no key in JOURNAL_JWT_KEYS")
    if pepper_current not in peppers:
        raise ConfigError("JOURNAL_PEPPER_CURRENT names no pepper in JOURNAL_PEPPERS")
    sealing_keys = _key_ring(env, "JOURNAL_SEALING_KEYS", _local_sealing_keys(var_dir) if local else None)
    sealing_current = env.get("JOURNAL_SEALING_CURRENT", next(iter(sealing_keys)))
    if sealing_current not in sealing_keys:
        raise ConfigError("JOURNAL_SEALING_CURRENT names no key in JOURNAL_SEALING_KEYS")

    argon2_profile = env.get("JOURNAL_ARGON2_PROFILE", "rfc9106-low-memory")
    if argon2_profile == "test" and not local:
        raise ConfigError("the cheap 'test' Argon2 profile is refused outside local development (S5)")

    return Config(
        environment=environment,
        public_base_url=public_base_url.rstrip("/"),
        storage=storage_config(env, local),
        mail=mail_config(env, local, var_dir),
        jwt_keys=jwt_keys,
        jwt_current_kid=jwt_current,
        peppers=peppers,
        pepper_current=pepper_current,
        argon2_profile=argon2_profile,
        password_min_length=_int(env, "JOURNAL_PASSWORD_MIN_LENGTH", 12),
        session_idle_seconds=_int(env, "JOURNAL_SESSION_IDLE_SECONDS", 30 * 60),
        session_absolute_seconds=_int(env, "JOURNAL_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60),
        reset_link_seconds=_int(env, "JOURNAL_RESET_LINK_SECONDS", 60 * 60),
        activation_link_seconds=_int(env, "JOURNAL_ACTIVATION_LINK_SECONDS", 72 * 60 * 60),
        photo_max_bytes=_int(env, "JOURNAL_PHOTO_MAX_BYTES", 10 * 1024 * 1024),
        photos_per_day_parent=_int(env, "JOURNAL_PHOTOS_PER_DAY_PARENT", PARENT_PHOTOS_PER_DAY),
        photos_per_day_staff=_int(env, "JOURNAL_PHOTOS_PER_DAY_STAFF", STAFF_PHOTOS_PER_DAY),
        verifies_per_client_minute=_int(
            env, "JOURNAL_VERIFIES_PER_CLIENT_MINUTE", VERIFIES_PER_CLIENT_MINUTE
        ),
        pwned_passwords_url=_pwned_passwords_url(env, local),
        var_dir=var_dir,
        sealing_keys=sealing_keys,
        sealing_current=sealing_current,
    )


def _pwned_passwords_url(env: Mapping[str, str], local: bool) -> str | None:
    """The breach API base URL: the public API in production, off locally; "off" disables it."""
    raw = env.get("JOURNAL_PWNED_PASSWORDS_URL", "off" if local else PWNED_PASSWORDS_API).strip()
    if raw.lower() == "off":
        return None
    if not raw.startswith("https://") and not local:
        raise ConfigError("JOURNAL_PWNED_PASSWORDS_URL must be an https:// URL or 'off'")
    return raw.rstrip("/")


def storage_config(env: Mapping[str, str], local: bool) -> StorageConfig:
    # "JournalStorage" is also the connection name the queue triggers use, so the Functions host
    # and our own clients read the same settings (identity-based: JournalStorage__queueServiceUri).
    connection = env.get("JournalStorage")
    if connection:
        if "AccountKey=" in connection and not local:
            raise ConfigError("account keys are refused outside local development; use managed identity")
        return StorageConfig(connection_string=connection)
    endpoints = {
        name: env.get(f"JournalStorage__{name}ServiceUri", "") for name in ("table", "blob", "queue")
    }
    if all(endpoints.values()):
        return StorageConfig(
            connection_string=None,
            table_endpoint=endpoints["table"],
            blob_endpoint=endpoints["blob"],
            queue_endpoint=endpoints["queue"],
            managed_identity_client_id=env.get("JournalStorage__clientId") or env.get("AZURE_CLIENT_ID"),
        )
    if local:
        return StorageConfig(connection_string=AZURITE_CONNECTION)
    raise ConfigError(
        "storage is not configured: set JournalStorage__tableServiceUri, "
        "JournalStorage__blobServiceUri and JournalStorage__queueServiceUri"
    )


def mail_config(env: Mapping[str, str], local: bool, var_dir: Path) -> MailConfig:
    transport = env.get("JOURNAL_MAIL_TRANSPORT", "folder" if local else "smtp")
    if transport not in {"smtp", "folder"}:
        raise ConfigError("JOURNAL_MAIL_TRANSPORT must be 'smtp' or 'folder'")
    if transport == "folder" and not local:
        raise ConfigError("the mail folder transport is for local development only")
    sender = env.get("JOURNAL_MAIL_FROM", "Learning Journal <no-reply@journal.localhost>" if local else "")
    if not sender:
        raise ConfigError("JOURNAL_MAIL_FROM is required")
    if transport == "smtp" and not env.get("JOURNAL_SMTP_HOST"):
        raise ConfigError("JOURNAL_SMTP_HOST is required for the smtp mail transport")
    starttls = env.get("JOURNAL_SMTP_STARTTLS", "true").lower() != "false"
    if transport == "smtp" and not starttls and not local:
        # Mail carries reset and activation links: never across the internet in the clear, with
        # or without a user name (port 465 still works: the transport then speaks TLS at once).
        raise ConfigError("JOURNAL_SMTP_STARTTLS cannot be turned off outside local development")
    return MailConfig(
        transport=transport,
        sender=sender,
        folder=Path(env.get("JOURNAL_MAIL_FOLDER", str(var_dir / "mail"))),
        smtp_host=env.get("JOURNAL_SMTP_HOST", ""),
        smtp_port=_int(env, "JOURNAL_SMTP_PORT", 587),
        smtp_username=env.get("JOURNAL_SMTP_USERNAME", ""),
        smtp_password=env.get("JOURNAL_SMTP_PASSWORD", ""),
        smtp_starttls=starttls,
    )


def _key_ring(env: Mapping[str, str], name: str, generated: Mapping[str, str] | None) -> dict[str, bytes]:
    """A JSON object of key id -> base64 key; every key must be long and not a placeholder."""
    raw = env.get(name)
    if raw is None:
        if generated is None:
            raise ConfigError(f"{name} is required outside local development")
        ring_text: Mapping[str, str] = generated
    else:
        try:
            ring_text = json.loads(raw)
        except json.JSONDecodeError:
            raise ConfigError(f"{name} must be a JSON object of key id to base64 key") from None
        if not isinstance(ring_text, dict) or not ring_text:
            raise ConfigError(f"{name} must name at least one key")
    ring: dict[str, bytes] = {}
    for kid, value in ring_text.items():
        if not isinstance(value, str) or value.strip().lower() in PLACEHOLDERS:
            raise ConfigError(f"{name} holds a placeholder for key {kid!r}")
        try:
            key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except ValueError:
            raise ConfigError(f"{name} key {kid!r} is not base64") from None
        if len(key) < MIN_KEY_BYTES:
            raise ConfigError(f"{name} key {kid!r} is shorter than 256 bits")
        ring[kid] = key
    return ring


def _local_secrets(var_dir: Path) -> dict[str, dict[str, str]]:
    """Generate the local JWT key and pepper once, under var/ (git-ignored)."""
    path = var_dir / "local-secrets.json"
    if path.exists():
        loaded: dict[str, dict[str, str]] = json.loads(path.read_text())
        return loaded
    var_dir.mkdir(parents=True, exist_ok=True)
    fresh = {
        "jwt_keys": {"local-1": _new_key()},
        "peppers": {"local-1": _new_key()},
        "host_master_key": {"local": _new_key()},
    }
    # Written aside, then linked into place: link fails if another process got there first, so
    # two processes starting together agree on one set of keys and never read a half-written file.
    tmp = var_dir / f".local-secrets.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(fresh, out, indent=2)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return _local_secrets(var_dir)
    finally:
        tmp.unlink()
    return fresh


def _local_sealing_keys(var_dir: Path) -> dict[str, str]:
    """The local sealing key ring (S32), generated once under var/ beside the other local keys.

    A file of its own, so a var/ made before it existed keeps its keys and simply gains this one.
    """
    path = var_dir / "local-sealing-keys.json"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = var_dir / f".local-sealing.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"local-1": _new_key()}, out)
        try:
            os.link(tmp, path)  # as in _local_secrets: the first process to link wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    loaded: dict[str, str] = json.loads(path.read_text())
    return loaded


def local_master_key(var_dir: Path) -> str:
    """The key the local host demands for admin-level functions, like Azure's master key."""
    return _local_secrets(var_dir)["host_master_key"]["local"]


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode().rstrip("=")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value
