"""The services' whole graph over the fakes: what shared/bootstrap.py wires, with no storage.

The hasher and token service are the real ones, so what the services sign and hash is real.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.bootstrap import ISSUER
from shared.clock import Clock
from shared.config import Config
from shared.security.hashing import SecretHasher
from shared.security.tokens import TokenService
from shared.services.deps import Deps
from tests.fakes.accounts import MemoryAccounts
from tests.fakes.assessments import MemoryAssessments
from tests.fakes.audit import MemoryAudit
from tests.fakes.audit_archive import MemoryAuditArchive
from tests.fakes.blobs import (
    MemoryContainer,
    MemoryExportFiles,
    MemoryPhotoBlobs,
    MemoryPhotoBytes,
    export_container,
    photo_container,
)
from tests.fakes.breaches import MemoryBreaches
from tests.fakes.children import MemoryChildren, MemoryLinks
from tests.fakes.comments import MemoryComments
from tests.fakes.exports import MemoryExports
from tests.fakes.journal import MemoryJournal
from tests.fakes.moments import MemoryMoments
from tests.fakes.notifications import MemoryNotifications
from tests.fakes.observations import MemoryObservations
from tests.fakes.passkeys import MemoryPasskeys
from tests.fakes.photos import MemoryPhotos
from tests.fakes.profile import MemoryProfiles
from tests.fakes.queues import MemoryExportRequests, MemoryLinkMails, MemoryOutbox, MemoryResetRequests
from tests.fakes.quotas import MemoryUploadQuota
from tests.fakes.rooms import MemoryChildDetails, MemoryRooms
from tests.fakes.settings import MemorySettings
from tests.fakes.two_year_check import MemoryTwoYearChecks


@dataclass(frozen=True)
class Fakes:
    """The fakes behind a Deps, typed as themselves, for tests that look inside them."""

    deps: Deps
    outbox: MemoryOutbox
    link_mails: MemoryLinkMails
    resets: MemoryResetRequests
    export_requests: MemoryExportRequests
    audit: MemoryAudit
    photo_files: MemoryContainer
    export_files: MemoryContainer


def build(config: Config, clock: Clock) -> Fakes:
    """Every port as an in-memory fake; the hasher and tokens as configured."""
    links = MemoryLinks()
    photo_blobs, export_blobs = photo_container(clock), export_container(clock)
    photos = MemoryPhotos(photo_blobs)
    journal = MemoryJournal()
    audit_archive = MemoryAuditArchive()
    audit = MemoryAudit(audit_archive)
    outbox, resets, export_requests = MemoryOutbox(), MemoryResetRequests(), MemoryExportRequests()
    link_mails = MemoryLinkMails()
    settings = MemorySettings()
    deps = Deps(
        config=config,
        clock=clock,
        settings=settings,
        accounts=MemoryAccounts(links),
        children=MemoryChildren(),
        links=links,
        audit_log=audit,
        audit_reader=audit,
        outbox=outbox,
        link_mails=link_mails,
        resets=resets,
        hasher=SecretHasher(config.peppers, config.pepper_current, config.argon2_profile),
        tokens=TokenService(config.jwt_keys, config.jwt_current_kid, ISSUER, clock),
        photos=photos,
        photo_blobs=MemoryPhotoBlobs(photo_blobs),
        observations=MemoryObservations(photos, journal),
        journal=journal,
        comments=MemoryComments(),
        moments=MemoryMoments(),
        exports=MemoryExports(),
        export_files=MemoryExportFiles(export_blobs),
        export_requests=export_requests,
        photo_bytes=MemoryPhotoBytes(photo_blobs),
        breaches=MemoryBreaches(),
        rooms=MemoryRooms(),
        child_details=MemoryChildDetails(),
        audit_archive=audit_archive,
        upload_quota=MemoryUploadQuota(),
        notifications=MemoryNotifications(settings),
        profiles=MemoryProfiles(),
        passkeys=MemoryPasskeys(),
        two_year_checks=MemoryTwoYearChecks(),
        assessments=MemoryAssessments(),
    )
    return Fakes(deps, outbox, link_mails, resets, export_requests, audit, photo_blobs, export_blobs)
