"""The purge steps for leavers: end parents' access after the export window, then delete an archived
child's records once the setting's retention has passed, unless a legal hold stands.

Export window. When it ends, each parent's link to the child ends (a legal hold keeps records,
not access, so it ends for held children too). A parent left with no child
they may still read (an active one, or a leaver still inside its own window) is deactivated first,
with the same effect as a manager deactivating them (sessions end, links void, deactivated_at set,
so the accounts step erases them after deactivated_retention_days); deactivating before unlinking
means a run that stops between the two still finds the link, and so the parent, next time.

Purging one child, in this order, so that what any user can see is never half-deleted and a run
that stops anywhere is found and finished by the next run:

1. Group observations that also include other children survive for them. For each: its photos
   are marked for discard (we cannot tell who is in a group photo, so none is kept); its comments
   are redacted as for a reader whose own children are the ones remaining, with every name of the
   setting known (S37): the leaver's full name, first name, surname alone, initials, possessive and
   their parents' names become "a friend" or "a parent" (a surname a remaining child shares stays);
   the setting's names are read once per leaver, not per observation; then ONE canonical write
   removes the child from its children, redacts its text and next steps and drops its photos, and
   the journal projections follow that write (the other children's rows rewritten, this child's
   row removed). Comments go before the canonical write because the canonical row still naming the
   child is what finds the observation again after a crash; other families see the child's name
   redacted by their privacy policy anyway, so that moment shows them nothing new. Photos leave
   the observation before their bytes go, so no observation ever points at a missing photo.
2. Moments from home: their photos are marked, then the rows go.
3. Observations about this child alone, 100 at a time: journal rows (the entry leaves the journal
   first), comments, then the canonical rows together with their photos' rows (a photo row shares
   its observation's partition, so they go in one transaction, never after it), and last the
   photos' bytes. The canonical row is what finds the rest again; bytes left by a crash after it
   are owned by no row, and the orphan sweep later in the same run deletes them. No mark is needed,
   which keeps this path, a leaver's bulk, to the deletes themselves. Only managers (and an author)
   can still see these: the child is archived and its parents' window long over.
4. Whatever is left in the child's journal partition, then the parent links (both directions),
   then the child's EYFS profile, progress check at age two and judgements at every assessment point.
5. Photos marked for discard (steps 1 and 2) and listed by no observation any more: blobs, then
   rows, then marks. A mark is a row of its own beside the photo's and outlives what listed it, so
   a crash here is finished next run.
6. The child's room history and tracker details, then the child's row (its consents with it),
   last and ETag-guarded: while it exists the child is
   found again, and a manager's change meanwhile (say, a new legal hold) stops the deletion.

Every step only deletes what it finds, so repeating it is harmless. The budget is checked between
children and between batches; a run that stops leaves the child row in place for the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime

from shared.domain.children import Child, ChildStatus
from shared.domain.errors import ConcurrencyConflict, NotFound
from shared.domain.leaving import due_for_purge, export_closes_at, parents_may_read
from shared.domain.observations import Observation, ObservationStatus
from shared.domain.people import Role, Status
from shared.domain.photos import owning_moment
from shared.domain.redaction import SettingNames
from shared.domain.settings import OtherChildren, Setting
from shared.services import assessments, child_details, notifications, rooms, two_year_check
from shared.services.deps import Deps
from shared.services.journal import setting_names
from shared.services.observations import named_children
from shared.services.ports import LeaverStore

CHUNK = 100  # observations per batch: one table transaction per partition
SYSTEM = "system"
Count = Callable[[str, int], None]
Spent = Callable[[], bool]


def end_export_windows(deps: Deps, setting: Setting, now: datetime, count: Count) -> None:
    """End parents' links to leavers whose export window has closed; deactivate who has no child left."""
    for child in _archived(deps, setting):
        closes = export_closes_at(child, setting)
        if closes is None or now < closes:
            if closes is not None:
                notifications.export_window_closing(deps, setting.setting_id, child.child_id, closes, now)
            continue
        for link in deps.links.parents_of(setting.setting_id, child.child_id):
            if not _deactivate_if_nothing_left(deps, setting, link.parent_id, child.child_id, now, count):
                continue  # changed meanwhile: the link stays, and the next run looks again
            deps.links.unlink(setting.setting_id, link.parent_id, child.child_id)
            deps.audit(setting.setting_id, SYSTEM, "child.unlink", f"{link.parent_id}/{child.child_id}",
                       "success", "reason=export-window")  # fmt: skip
            count("export-window-links", 1)


def purge_leavers(deps: Deps, store: LeaverStore, setting: Setting, now: datetime, count: Count,
                  spent: Spent) -> bool:  # fmt: skip
    """Delete every archived child past retention and not held; False when one is left for next run."""
    finished = True
    for listed in _archived(deps, setting):
        if not due_for_purge(listed, setting, now):
            continue
        if spent():
            return False
        # Read again just before starting: a child's purge can take a while, and a hold placed
        # since the list was read must win.
        child = deps.children.get(setting.setting_id, listed.child_id)
        if child is not None and due_for_purge(child, setting, now):
            finished &= purge_child(deps, store, child, now, count, spent)
    return finished


def purge_child(
    deps: Deps, store: LeaverStore, child: Child, now: datetime, count: Count, spent: Spent
) -> bool:
    """Delete one child's records in the module's order; True when the child row is gone."""
    setting_id = child.setting_id
    mine = store.observations_of(setting_id, child.child_id)
    alone = [o for o in mine if o.child_ids == [child.child_id]]
    complete = True
    still_listed: set[str] = set()  # photos of group observations that could not be saved this run
    groups = [o for o in mine if o.child_ids != [child.child_id]]
    names = setting_names(deps, setting_id) if groups else SettingNames(())
    for observation in groups:
        if _leave_group(deps, store, names, child, observation, now, count):
            continue
        complete = False
        still_listed.update(observation.photo_ids)
    store.mark_photos(setting_id, store.moment_photos(setting_id, child.child_id))
    count("moments", store.erase_moments(setting_id, child.child_id))
    commented = store.commented(setting_id) if alone else set()
    for start in range(0, len(alone), CHUNK):
        if spent():
            return False
        chunk = alone[start : start + CHUNK]
        count("observations", store.erase_observations(setting_id, chunk, commented))
        count("photos", sum(len(o.photo_ids) for o in chunk))
    count("journal-rows", store.erase_journal(setting_id, child.child_id))
    count("parent-links", store.erase_links(setting_id, child.child_id))
    if deps.profiles.get(setting_id, child.child_id) is not None:  # the EYFS profile goes with the child
        deps.profiles.remove(setting_id, child.child_id)
        count("profiles", 1)
    count("two-year-checks", two_year_check.forget_child(deps, setting_id, child.child_id))
    count("assessment-rows", assessments.forget_child(deps, setting_id, child.child_id))
    seen = {o.observation_id for o in mine}
    discard_marked_photos(deps, store, setting_id, child.child_id, seen, still_listed, count)
    # Room history and the tracker's group facts (SEND support is special category data) go too.
    count("tracker-rows", rooms.forget_child(deps, setting_id, child.child_id)
          + child_details.forget_child(deps, setting_id, child.child_id))  # fmt: skip
    if not complete or not store.erase_child(child):
        return False
    count("children", 1)
    return True


def discard_marked_photos(
    deps: Deps,
    store: LeaverStore,
    setting_id: str,
    child_id: str,
    seen: Collection[str],
    still_listed: Collection[str],
    count: Count,
) -> None:
    """Delete the marked photos that nothing lists any more.

    This run has seen the child's observations (`seen`) and knows which photos those still list;
    the child's moments are gone. A marked photo of an observation this run did not see (left by an
    earlier run that stopped) is looked up; one of another child's moment waits for that child's run.
    """
    looked_up: dict[str, set[str]] = {}
    free = []
    for photo_id, owner in store.marked_photos(setting_id):
        if photo_id in still_listed:
            continue
        moment = owning_moment(owner)
        if moment is not None and moment[0] != child_id:
            continue
        if moment is None and owner not in seen:
            if owner not in looked_up:
                found = deps.observations.get(setting_id, owner) if owner else None
                looked_up[owner] = set(found.photo_ids) if found else set()
            if photo_id in looked_up[owner]:
                continue
        free.append(photo_id)
    count("photos", store.discard_photos(setting_id, free) if free else 0)


def _leave_group(
    deps: Deps,
    store: LeaverStore,
    names: SettingNames,
    child: Child,
    observation: Observation,
    now: datetime,
    count: Count,
) -> bool:
    """Take the child out of an observation that also includes others; False if it changed meanwhile."""
    remaining = [c for c in observation.child_ids if c != child.child_id]
    # The remaining children count as "own": their names and a surname they share stay.
    redact = names.for_reader(remaining, OtherChildren.HIDDEN).text
    store.mark_photos(child.setting_id, dict.fromkeys(observation.photo_ids, observation.observation_id))
    store.rewrite_comments(child.setting_id, observation.observation_id, redact)
    changed = replace(
        observation,
        child_ids=remaining,
        text=redact(observation.text),
        next_steps=redact(observation.next_steps),
        photo_ids=[],
        updated_at=now,
    )
    published = changed.status is ObservationStatus.PUBLISHED
    try:
        deps.observations.save(changed, named_children(deps, changed) if published else [])
    except (ConcurrencyConflict, NotFound):
        return False
    count("group-observations", 1)
    return True


def _deactivate_if_nothing_left(
    deps: Deps, setting: Setting, parent_id: str, leaver_id: str, now: datetime, count: Count
) -> bool:
    """Deactivate a parent with no other child they may read; False when the account changed meanwhile."""
    for link in deps.links.children_of(setting.setting_id, parent_id):
        other = deps.children.get(setting.setting_id, link.child_id) if link.child_id != leaver_id else None
        if other is not None and parents_may_read(other, setting, now):
            return True
    account = deps.accounts.get(setting.setting_id, parent_id)
    if account is None or account.role is not Role.PARENT or account.status is Status.DEACTIVATED:
        return True
    account.deactivate(now)
    try:
        deps.accounts.save(account, end_sessions=True)
    except ConcurrencyConflict:
        return False
    deps.audit(setting.setting_id, SYSTEM, "account.deactivate", parent_id, "success", "reason=export-window")
    count("parents-deactivated", 1)
    return True


def _archived(deps: Deps, setting: Setting) -> list[Child]:
    return [c for c in deps.children.list(setting.setting_id) if c.status is ChildStatus.ARCHIVED]
