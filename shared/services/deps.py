"""What every use case needs, wired once by the composition root (shared/bootstrap.py)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.clock import Clock
from shared.config import Config
from shared.security.hashing import SecretHasher
from shared.security.tokens import TokenService
from shared.services.ports import (
    AccountRepository,
    AuditEvent,
    AuditLog,
    ChildRepository,
    LinkRepository,
    MailOutbox,
    ResetRequests,
    SettingRepository,
)


@dataclass(frozen=True)
class Deps:
    config: Config
    clock: Clock
    settings: SettingRepository
    accounts: AccountRepository
    children: ChildRepository
    links: LinkRepository
    audit_log: AuditLog
    outbox: MailOutbox
    resets: ResetRequests
    hasher: SecretHasher
    tokens: TokenService

    def audit(self, setting_id: str, actor: str, action: str, target: str, outcome: str) -> None:
        """Append one audit event stamped with the current time (S29)."""
        self.audit_log.record(AuditEvent(self.clock.now(), setting_id, actor, action, target, outcome))
