"""What every use case needs, wired once by the composition root (shared/bootstrap.py)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.clock import Clock
from shared.config import Config
from shared.domain.passwords import BreachedPasswords
from shared.security.hashing import SecretHasher
from shared.security.tokens import TokenService
from shared.services.ports import (
    AccountRepository,
    AssessmentStore,
    AuditArchive,
    AuditEvent,
    AuditLog,
    AuditReader,
    ChildDetailsRepository,
    ChildRepository,
    CommentRepository,
    ExportFiles,
    ExportRepository,
    ExportRequests,
    JournalReader,
    LinkMails,
    LinkRepository,
    MailOutbox,
    MomentRepository,
    NotificationStore,
    ObservationRepository,
    PasskeyStore,
    PhotoBlobs,
    PhotoBytes,
    PhotoRepository,
    ProfileRepository,
    ResetRequests,
    RoomRepository,
    SettingRepository,
    TwoYearCheckRepository,
    UploadQuota,
)


@dataclass(frozen=True, repr=False)
class Deps:
    config: Config
    clock: Clock
    settings: SettingRepository
    accounts: AccountRepository
    children: ChildRepository
    links: LinkRepository
    audit_log: AuditLog
    audit_reader: AuditReader
    outbox: MailOutbox
    link_mails: LinkMails
    resets: ResetRequests
    hasher: SecretHasher
    tokens: TokenService
    photos: PhotoRepository
    photo_blobs: PhotoBlobs
    observations: ObservationRepository
    journal: JournalReader
    comments: CommentRepository
    moments: MomentRepository
    exports: ExportRepository
    export_files: ExportFiles
    export_requests: ExportRequests
    photo_bytes: PhotoBytes
    breaches: BreachedPasswords
    rooms: RoomRepository
    child_details: ChildDetailsRepository
    audit_archive: AuditArchive  # the immutable copy of the audit log (S41)
    upload_quota: UploadQuota  # photos per account per day (S26)
    notifications: NotificationStore
    profiles: ProfileRepository
    passkeys: PasskeyStore
    two_year_checks: TwoYearCheckRepository
    assessments: AssessmentStore

    def audit(
        self, setting_id: str, actor: str, action: str, target: str, outcome: str, detail: str = ""
    ) -> None:
        """Append one audit event stamped with the current time (S29)."""
        event = AuditEvent(self.clock.now(), setting_id, actor, action, target, outcome, detail)
        self.audit_log.record(event)
