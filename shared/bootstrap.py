"""The composition root: the one place that wires real adapters to the services.

Built lazily on first use and then shared, so importing function_app opens no connection
and reads no secret (an import failure would stop Azure indexing every function).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from shared.clock import Clock, SystemClock
from shared.config import Config, load_config
from shared.security.hashing import SecretHasher
from shared.security.pwned import breached_passwords
from shared.security.tokens import TokenService
from shared.services import step_up_methods  # noqa: F401 (registers the methods a step-up accepts)
from shared.services.deps import Deps
from shared.storage import keys
from shared.storage.accounts import TableAccounts
from shared.storage.assessments import TableAssessments
from shared.storage.audit import TableAudit
from shared.storage.audit_archive import BlobAuditArchive
from shared.storage.audit_reader import TableAuditReader
from shared.storage.child_details import TableChildDetails
from shared.storage.children import TableChildren
from shared.storage.clients import StorageClients
from shared.storage.comments import TableComments
from shared.storage.exports import TableExports, export_files
from shared.storage.health import dependency_report
from shared.storage.journal import TableJournal
from shared.storage.leavers import leaver_store
from shared.storage.links import TableLinks
from shared.storage.moments import TableMoments
from shared.storage.notifications import TableNotifications
from shared.storage.observations import TableObservations
from shared.storage.passkeys import TablePasskeys
from shared.storage.photos import TablePhotos, photo_store
from shared.storage.profile import TableProfiles
from shared.storage.queues import (
    QueueExportRequests,
    QueueLinkMails,
    QueueMailOutbox,
    QueueResetRequests,
    sweep_poison,
)
from shared.storage.quotas import TableUploadQuota
from shared.storage.retention import TableRetention
from shared.storage.rooms import TableRooms
from shared.storage.settings import TableSettings
from shared.storage.tables import Table
from shared.storage.two_year_check import TableTwoYearChecks

ISSUER = "learning-journal"
_lock = threading.RLock()
_current: Deps | None = None
_clients: StorageClients | None = None
_config: Config | None = None


def build(config: Config, clients: StorageClients, clock: Clock | None = None) -> Deps:
    """Wire every port to its Azure Storage adapter."""
    clock = clock or SystemClock()
    photo_blobs = photo_store(clients, clock, https_only=not config.is_local)
    audit_archive = BlobAuditArchive(clients, create_container=config.is_local)
    return Deps(
        config=config,
        clock=clock,
        settings=TableSettings(Table(clients.table(keys.SETTINGS))),
        accounts=TableAccounts(Table(clients.table(keys.ACCOUNTS))),
        children=TableChildren(Table(clients.table(keys.CHILDREN))),
        links=TableLinks(Table(clients.table(keys.ACCOUNTS))),
        audit_log=TableAudit(Table(clients.table(keys.AUDIT)), audit_archive),
        audit_reader=TableAuditReader(Table(clients.table(keys.AUDIT))),
        outbox=QueueMailOutbox(
            clients, time_to_live=max(config.activation_link_seconds, config.reset_link_seconds)
        ),
        link_mails=QueueLinkMails(clients),
        resets=QueueResetRequests(clients),
        hasher=SecretHasher(config.peppers, config.pepper_current, config.argon2_profile),
        tokens=TokenService(config.jwt_keys, config.jwt_current_kid, ISSUER, clock),
        photos=TablePhotos(Table(clients.table(keys.OBSERVATIONS)), photo_blobs),  # rows beside observations
        photo_blobs=photo_blobs,
        observations=TableObservations(
            Table(clients.table(keys.OBSERVATIONS)), TableJournal(Table(clients.table(keys.JOURNAL)))
        ),
        journal=TableJournal(Table(clients.table(keys.JOURNAL))),
        comments=TableComments(Table(clients.table(keys.COMMENTS))),
        moments=TableMoments(Table(clients.table(keys.MOMENTS))),
        exports=TableExports(Table(clients.table(keys.EXPORTS))),
        export_files=export_files(clients, clock, https_only=not config.is_local),
        export_requests=QueueExportRequests(clients),
        photo_bytes=photo_blobs,
        breaches=breached_passwords(config.pwned_passwords_url),
        rooms=TableRooms(Table(clients.table(keys.ROOMS))),
        child_details=TableChildDetails(Table(clients.table(keys.CHILD_DETAILS))),
        audit_archive=audit_archive,
        upload_quota=TableUploadQuota(Table(clients.table(keys.ACCOUNTS))),
        notifications=TableNotifications(
            Table(clients.table(keys.NOTIFICATIONS)), Table(clients.table(keys.SETTINGS))
        ),
        profiles=TableProfiles(Table(clients.table(keys.PROFILES))),
        passkeys=TablePasskeys(Table(clients.table(keys.PASSKEYS))),
        two_year_checks=TableTwoYearChecks(Table(clients.table(keys.TWO_YEAR_CHECKS))),
        assessments=TableAssessments(Table(clients.table(keys.ASSESSMENTS))),
    )


def retention_store(clients: StorageClients) -> TableRetention:
    """The tables the retention purge works on."""
    return TableRetention(
        Table(clients.table(keys.SETTINGS)),
        Table(clients.table(keys.ACCOUNTS)),
        Table(clients.table(keys.AUDIT)),
        leaver_store(clients),
    )


def sweep_poison_queues(older_than: timedelta) -> int:
    """Empty the app's poison queues of messages older than `older_than` (S39)."""
    return sweep_poison(storage(), deps().clock.now(), older_than)


def config() -> Config:
    """The process's settings, read once."""
    global _config
    if _config is None:
        loaded = load_config()
        with _lock:
            _config = _config or loaded
    return _config


def storage() -> StorageClients:
    """The process's shared storage clients."""
    global _clients
    with _lock:
        if _clients is None:
            _clients = StorageClients(config().storage)
        return _clients


def deps() -> Deps:
    """The process's wired services, built on first use."""
    global _current
    if _current is None:
        clients = storage()
        built = build(config(), clients)
        with _lock:
            _current = _current or built
    return _current


def use(wired: Deps, clients: StorageClients, *, config: Config | None = None) -> None:
    """Serve with this wiring (the local host and tests use it, e.g. with a frozen clock)."""
    global _current, _clients, _config
    with _lock:
        _current, _clients = wired, clients
        _config = config or wired.config


def reset() -> None:
    """Forget the wiring (tests and the local host use it after changing the environment)."""
    global _current, _clients, _config
    with _lock:
        _current = None
        _clients = None
        _config = None


def health_report(environ: Mapping[str, str]) -> dict[str, Any]:
    """What the health probe answers: each dependency (configuration, storage, mail) and its state."""
    return dependency_report(environ, config, storage)
