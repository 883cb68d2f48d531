"""Journal exports: a subject access copy for a family, or a handover to the child's next school.

The request only records the export and queues it (Azure's 230 s HTTP limit); the queue-triggered
build reads the journal through the same code as the journal pages and the observation view
(`list_journal`, `read_observation`), as the requester, so a parent's export never holds more than
that parent sees on screen: published observations only, other children redacted by the
setting's policy. Files live seven days; the nightly purge calls `purge_expired_exports`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from shared.domain.children import Child
from shared.domain.errors import ConcurrencyConflict, Conflict, Forbidden, NotFound, TooManyAttempts
from shared.domain.exports import (
    EXPORT_LIFETIME,
    PDF,
    ZIP,
    Export,
    ExportStatus,
    RecentRequest,
    download_name,
    new_export_id,
)
from shared.domain.frameworks import eyfs
from shared.domain.people import Principal, Role, Status
from shared.domain.photos import PhotoSize
from shared.domain.profile import good_level_of_development
from shared.domain.settings import Setting
from shared.media.journal_export import (
    AssessmentRecord,
    ChildRecord,
    CommentRecord,
    EntryRecord,
    JournalRecord,
    PhotoFile,
    ProfileRecord,
    photo_name,
    render_pdf,
    render_zip,
)
from shared.media.two_year_check_pdf import CheckRecord
from shared.services import access, assessments, child_details, journal, observations, profile, two_year_check
from shared.services.deps import Deps
from shared.services.journal import Reader, ShownEntry
from shared.services.step_up import require_recent_step_up

log = logging.getLogger("journal")

IN_PROGRESS = "An export of this journal is already being prepared. It will be ready soon."
BUSY = "Several export requests arrived at once. Try again in a moment."
PDF_TYPE = "application/pdf"
ZIP_TYPE = "application/zip"
_RETRIES = 3
# A journal page is 20 entries; this bounds a build at 20,000 observations.
_MAX_PAGES = 1000


@dataclass(frozen=True, repr=False)
class ExportView:
    """An export's status, and while it is ready, two links that live 10 minutes (S28)."""

    export: Export
    zip_url: str | None = None
    pdf_url: str | None = None


class AccessEnded(Exception):
    """The requester may no longer export this child (unlinked, deactivated, window closed)."""


# -- request -------------------------------------------------------------------------------------


def request_export(deps: Deps, principal: Principal, child_id: object) -> Export:
    """Record an export of a child's journal and queue it; it is built later, never in the request.

    Managers, and parents linked to the child; the child active or archived within the export
    window. One export in progress per child per requester (409) and five a day (429).
    """
    child, _ = access.exportable_child(deps, principal, child_id)
    require_recent_step_up(deps, principal)  # S35: a whole journal leaves the app
    now = deps.clock.now()
    export = Export(
        setting_id=principal.setting_id,
        export_id=new_export_id(),
        child_id=child.child_id,
        requested_by=principal.user_id,
        status=ExportStatus.QUEUED,
        created_at=now,
    )
    for _ in range(_RETRIES):
        record = deps.exports.requester(principal.setting_id, principal.user_id)
        wait = record.retry_after(now)
        if wait is not None:
            raise TooManyAttempts(
                "You have asked for several exports today. Try again later.", retry_after=wait
            )
        for earlier in record.possibly_in_progress(child.child_id, now):
            found = deps.exports.get(principal.setting_id, earlier)
            if found is not None and found.blocks_new_request(now):
                raise Conflict(IN_PROGRESS)
        record.recent = [*record.within_window(now), RecentRequest(now, child.child_id, export.export_id)]
        try:
            deps.exports.add(export, record)  # with the requester's record, ETag-guarded: no race wins twice
            break
        except (ConcurrencyConflict, Conflict):
            continue  # another request of this requester landed first: look again
    else:
        raise Conflict(BUSY)
    try:
        deps.export_requests.submit(export.setting_id, export.export_id)
    except Exception:
        _mark(deps, export, ExportStatus.FAILED)  # never left "queued" with nothing queued
        raise
    deps.audit(principal.setting_id, principal.user_id, "export.request", export.export_id, "success",
               f"child={child.child_id}")  # fmt: skip
    return export


# -- status and download -------------------------------------------------------------------------


def export_status(deps: Deps, principal: Principal, export_id: object) -> ExportView:
    """The export, to its requester or a manager of the setting; anyone else gets 404 (S24).

    When it is ready, read-only links to the zip and the PDF that live 10 minutes; issuing them
    is audited as a download (S29), the links themselves never logged.
    """
    export = access.visible_export(deps, principal, export_id)
    if export.status is not ExportStatus.READY:
        return ExportView(export)
    view = ExportView(
        export,
        zip_url=deps.export_files.download_url(export.blob(ZIP), ZIP_TYPE, download_name(export, ZIP)),
        pdf_url=deps.export_files.download_url(export.blob(PDF), PDF_TYPE, download_name(export, PDF)),
    )
    deps.audit(principal.setting_id, principal.user_id, "export.download", export.export_id, "success")
    return view


# -- build (queue-triggered) ---------------------------------------------------------------------


def build_export(deps: Deps, setting_id: str, export_id: str) -> None:
    """Build the PDF and the zip of a queued export, as its requester may read the journal now.

    A failure marks the export failed and raises, so the host retries the message and finally
    moves it to the poison queue. When the requester's access has ended, it is marked failed
    without a retry: trying again cannot help.
    """
    export = deps.exports.get(setting_id, export_id)
    if export is None or export.status is ExportStatus.READY:
        return  # purged meanwhile, or a repeated message: nothing to do
    export = _mark(deps, export, ExportStatus.BUILDING)
    try:
        requester = _requester_now(deps, export)
        child, setting = access.exportable_child(deps, requester, export.child_id)
        record = journal_record(deps, requester, export, child, setting)
        pdf = render_pdf(record)
        deps.export_files.put(export.blob(PDF), pdf, PDF_TYPE)
        deps.export_files.put(export.blob(ZIP), render_zip(record, pdf), ZIP_TYPE)
    except (AccessEnded, NotFound, Forbidden):
        _mark(deps, export, ExportStatus.FAILED)
        deps.audit(setting_id, "system", "export.build", export_id, "failure", "access ended")
        return
    except Exception:
        _mark(deps, export, ExportStatus.FAILED)
        deps.audit(setting_id, "system", "export.build", export_id, "failure")
        raise
    _mark(deps, export, ExportStatus.READY)
    photos = sum(len(e.photos) for e in record.entries)
    deps.audit(setting_id, "system", "export.build", export_id, "success",
               f"observations={len(record.entries)} photos={photos}")  # fmt: skip


def journal_record(
    deps: Deps, principal: Principal, export: Export, child: Child, setting: Setting
) -> JournalRecord:
    """The child's published journal, oldest first, as `principal` sees it on screen."""
    # One reader for the whole build: the setting's names are read once, not once per page.
    reader = journal.reader_for(deps, principal, setting, wanted=[child.child_id])
    listed: list[ShownEntry] = []
    cursor: str | None = None
    for _ in range(_MAX_PAGES):
        page = journal.list_journal(deps, principal, child.child_id, cursor=cursor, area=None, reader=reader)
        listed += page.entries
        cursor = page.cursor
        if cursor is None:
            break
    shown: list[ShownEntry] = []
    for entry in listed:
        try:
            shown.append(_observation(deps, principal, reader, entry.observation_id))
        except NotFound:
            continue  # withdrawn since the page was read
    shown.sort(key=lambda e: (e.observed_on, e.published_at or export.created_at, e.observation_id))
    per_day: Counter[str] = Counter()
    entries = [_entry(deps, export.setting_id, e, per_day) for e in shown]
    return JournalRecord(
        export_id=export.export_id,
        child_name=child.full_name,
        setting_name=setting.name,
        generated_at=deps.clock.now(),
        redacted=principal.role is Role.PARENT,
        entries=entries,
        tracker=child_details.exported(deps, child) if principal.role.is_staff else None,
        profile=_profile_record(deps, principal, child.child_id),
        two_year_check=_check_record(deps, principal, child, setting.name),
        assessments=_assessment_records(deps, principal, child.child_id),
    )


def _assessment_records(deps: Deps, principal: Principal, child_id: str) -> list[AssessmentRecord]:
    """The child's judgements at each point, as this reader may see them (a parent: final ones,
    without notes, only when the setting shows judgements to families)."""
    areas = {a.area_id: a.name for a in eyfs().areas}
    found = []
    for point, record in assessments.for_export(deps, principal, child_id):
        known = assessments.framework_of(record)
        bands = dict(known.bands)
        judged = [(areas[a.area_id], a.name, j.value, bands.get(j.band or "", ""), j.note)
                  for a in known.aspects for j in [record.judgements.get(a.aspect_id)] if j]  # fmt: skip
        found.append(AssessmentRecord(point.name, point.opens, point.closes, record.status.value, known.name,
                                      record.scale.value, judged))  # fmt: skip
    return found


def _check_record(deps: Deps, principal: Principal, child: Child, setting_name: str) -> CheckRecord | None:
    """The child's progress check at age two, if this reader may see it (a parent: once shared)."""
    found = two_year_check.check_for_export(deps, principal, child.child_id)
    if found is None:
        return None
    return two_year_check.check_record(deps, principal, found, child.full_name, setting_name,
                                       child.date_of_birth)  # fmt: skip


def _profile_record(deps: Deps, principal: Principal, child_id: str) -> ProfileRecord | None:
    """The child's EYFS profile, if this reader may see it (a parent: final and shared)."""
    found = profile.profile_for_export(deps, principal, child_id)
    if found is None:
        return None
    areas = {a.area_id: a.name for a in eyfs().areas}
    marks = {elg: j.value for elg, j in found.judgements.items()}
    judged = [(areas[e.area_id], e.name, marks.get(e.elg_id, "")) for e in eyfs().elgs]
    return ProfileRecord(
        found.status.value, good_level_of_development(found.judgements), judged, found.comment
    )


def _observation(deps: Deps, principal: Principal, reader: Reader, observation_id: str) -> ShownEntry:
    """The observation with its comments as `reader` sees it: the single observation's view
    (`observations.read_observation`), with the names read once for the export."""
    observation = access.visible_observation(deps, principal, observation_id)
    return reader.show(
        observation_id=observation.observation_id, status=observation.status,
        children=observations.named_children(deps, observation), author_id=observation.author_id,
        text=observation.text, next_steps=observation.next_steps, areas=observation.areas,
        observed_on=observation.observed_on, published_at=observation.published_at,
        photo_ids=observation.photo_ids, etag=observation.etag,
        comments=deps.comments.of(principal.setting_id, observation.observation_id),
    )  # fmt: skip


def _entry(deps: Deps, setting_id: str, entry: ShownEntry, per_day: Counter[str]) -> EntryRecord:
    photos = []
    for photo_id in entry.photo_ids:
        photo = deps.photos.get(setting_id, photo_id)
        if photo is None:
            continue
        try:
            data = deps.photo_bytes.read(photo.blob(PhotoSize.DISPLAY))
        except NotFound:
            log.warning("export: display blob of photo %s is missing", photo_id)
            continue
        day = entry.observed_on.isoformat()
        per_day[day] += 1
        name = photo_name(entry.observed_on, per_day[day])
        photos.append(PhotoFile(name, data, photo.display.width, photo.display.height))
    return EntryRecord(
        observation_id=entry.observation_id,
        observed_on=entry.observed_on,
        published_at=entry.published_at,
        children=[ChildRecord(c.name, c.own) for c in entry.children],
        areas=[a.value for a in entry.areas],
        text=entry.text,
        next_steps=entry.next_steps,
        comments=[
            CommentRecord(c.author_name, c.by_staff, c.text, c.created_at) for c in entry.comments or []
        ],
        photos=photos,
    )


# -- purge ---------------------------------------------------------------------------------------


def purge_expired_exports(deps: Deps, setting_id: str, now: datetime) -> int:
    """Delete the files and rows of exports made seven days or more before `now`; idempotent.

    Blobs go first and the row last, so a purge cut short finds the export again next night.
    Returns how many exports were deleted.
    """
    cutoff = now - EXPORT_LIFETIME
    deleted = 0
    for export in deps.exports.created_before(setting_id, cutoff):
        deps.export_files.delete(export.blobs)
        deps.exports.remove(setting_id, export.export_id)
        deleted += 1
    deps.exports.remove_requesters_idle_since(setting_id, cutoff)
    return deleted


# -- helpers -------------------------------------------------------------------------------------


def _requester_now(deps: Deps, export: Export) -> Principal:
    """The requester as stored now, for the read rules only (role, setting, links): the build runs
    without a session, so a demoted or deactivated requester gets nothing."""
    account = deps.accounts.get(export.setting_id, export.requested_by)
    if account is None or account.status is not Status.ACTIVE:
        raise AccessEnded
    now = deps.clock.now()
    return Principal(
        setting_id=account.setting_id,
        user_id=account.user_id,
        name=account.name,
        email=account.email,
        role=account.role,
        session_digest="",
        idle_expires_at=now,
        absolute_expires_at=now,
    )


def _mark(deps: Deps, export: Export, status: ExportStatus) -> Export:
    changed = replace(
        export, status=status, ready_at=deps.clock.now() if status is ExportStatus.READY else None
    )
    deps.exports.save(changed)
    return changed
