"""The nightly retention purge: delete what each setting no longer needs to keep.

It works setting by setting and step by step, every step idempotent, and stops cleanly when its
time budget is spent: the next run carries on. Each setting's report goes to the audit log with
counts only, never names (S29).

Leavers (archived children) have two steps of their own, in shared.services.leaver_purge: the end
of their parents' export window, and the deletion of their records after the retention period.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.retention import ORPHAN_BLOB_AGE, cutoff, is_past
from shared.domain.settings import Setting
from shared.services import passkeys
from shared.services.deps import Deps
from shared.services.exports import purge_expired_exports
from shared.services.leaver_purge import end_export_windows, purge_leavers
from shared.services.ports import RetentionStore


@dataclass(repr=False)
class PurgeReport:
    setting_id: str
    counts: dict[str, int] = field(default_factory=dict)
    finished: bool = True

    def add(self, what: str, count: int) -> None:
        if count:
            self.counts[what] = self.counts.get(what, 0) + count


class Budget:
    """Wall time left for this run; the purge checks it between steps (Flex Consumption allows 30 min)."""

    def __init__(self, seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._deadline = monotonic() + seconds

    @property
    def spent(self) -> bool:
        return self._monotonic() >= self._deadline


def purge(deps: Deps, store: RetentionStore, budget: Budget) -> list[PurgeReport]:
    """Run every purge step for every setting until done or out of time."""
    reports = []
    for setting in store.all_settings():
        if budget.spent:
            reports.append(PurgeReport(setting.setting_id, finished=False))
            continue
        report = purge_setting(deps, store, setting, budget)
        reports.append(report)
        outcome = "success" if report.finished else "partial"
        deps.audit(setting.setting_id, "system", "retention.purge", setting.setting_id, outcome,
                   json.dumps(report.counts, sort_keys=True))  # fmt: skip
    return reports


def purge_setting(deps: Deps, store: RetentionStore, setting: Setting, budget: Budget) -> PurgeReport:
    now = deps.clock.now()
    report = PurgeReport(setting.setting_id)
    steps: list[Callable[[], None]] = [
        lambda: _sweep_accounts(deps, store, setting, report, now),
        lambda: end_export_windows(deps, setting, now, report.add),
        # Before the leavers, whose observations the index finds without a scan once it is complete.
        lambda: _index_observations(deps, setting, report, budget),
        lambda: _purge_leavers(deps, store, setting, report, now, budget),
        lambda: report.add("exports", purge_expired_exports(deps, setting.setting_id, now)),
        lambda: report.add(
            "orphan-blobs",
            store.leavers.delete_blobs(store.leavers.orphan_blobs(setting.setting_id, now - ORPHAN_BLOB_AGE)),
        ),
        lambda: report.add(
            "audit", store.erase_audit_before(setting.setting_id, cutoff(now, setting.audit_retention_days))
        ),
    ]
    for step in steps:
        if budget.spent:
            report.finished = False
            break
        step()
    return report


def _index_observations(deps: Deps, setting: Setting, report: PurgeReport, budget: Budget) -> None:
    """The once-per-setting backfill of the observations' index rows (the staff lists, the purge)."""
    report.add(
        "observations-indexed", deps.observations.index_setting(setting.setting_id, lambda: budget.spent)
    )
    if budget.spent:
        report.finished = False


def _purge_leavers(
    deps: Deps, store: RetentionStore, setting: Setting, report: PurgeReport, now: datetime, budget: Budget
) -> None:
    if not purge_leavers(deps, store.leavers, setting, now, report.add, lambda: budget.spent):
        report.finished = False


def _sweep_accounts(
    deps: Deps, store: RetentionStore, setting: Setting, report: PurgeReport, now: datetime
) -> None:
    """Sessions, links and deactivated accounts, from one read of the setting's accounts."""
    swept = store.sweep_accounts(setting.setting_id, now, deps.config.session_idle_seconds)
    report.add("sessions", swept.sessions_ended)
    report.add("links", swept.links_cleared)
    report.add("probes", swept.probes_removed)
    report.add("upload_counters", swept.upload_counters_removed)
    report.add("passkey_marks", deps.passkeys.sweep_expired(setting.setting_id, now))
    for user_id, deactivated_at in swept.deactivated:
        if deactivated_at is None:
            store.mark_deactivated(setting.setting_id, user_id, now)
        elif is_past(deactivated_at, setting.deactivated_retention_days, now):
            report.add("accounts", 1)
            deps.rooms.erase_staff(setting.setting_id, user_id)  # their room assignments go too
            # Passkeys first: a run that stops half-way still finds the account and finishes it.
            report.add("passkeys", passkeys.erase_all(deps, setting.setting_id, user_id))
            store.erase_account(setting.setting_id, user_id)
