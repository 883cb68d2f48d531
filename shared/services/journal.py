"""A child's journal, and how any observation is shown to one reader (redacted for parents).

A parent's journal page costs three storage round trips for the journal itself: the session
check (which reads the parent's links in the same query, S24), the setting's privacy policy and
one query of the child's journal partition. A page that has entries to show adds the names of the
setting (S37): the children's and the families' names books, a point read each in any setting
(shared/storage/names_book.py). Names, like the policy, are read on every request: a manager who
tightens the policy or adds a child protects the other children from the very next page, as links
and roles do.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property, lru_cache

from shared.domain.access import NO_SUCH_CHILD
from shared.domain.errors import NotFound
from shared.domain.journal import JOURNAL_PAGE, Comment, Moment, clean_area
from shared.domain.observations import Area, ObservationStatus
from shared.domain.people import Principal, Role
from shared.domain.redaction import (
    NamedChild,
    NamedParent,
    NameMatcher,
    SettingNames,
    ShownChild,
    shown_children,
)
from shared.domain.settings import OtherChildren, Setting
from shared.services import access
from shared.services.deps import Deps

ANOTHER_PARENT = "Another parent"


@dataclass(frozen=True, repr=False)
class ShownComment:
    comment_id: str
    author_name: str
    by_staff: bool
    mine: bool
    text: str
    created_at: datetime


@dataclass(frozen=True, repr=False)
class ShownEntry:
    """An observation as one reader may see it: for parents, other children are redacted."""

    observation_id: str
    status: ObservationStatus
    children: list[ShownChild]
    author_id: str
    text: str
    next_steps: str
    areas: list[Area]
    observed_on: date
    published_at: datetime | None
    photo_ids: list[str]
    etag: str | None = None
    comments: list[ShownComment] | None = None


@dataclass(frozen=True, repr=False)
class JournalPage:
    entries: list[ShownEntry]
    cursor: str | None


def _no_names() -> SettingNames:
    return SettingNames(())


@dataclass(frozen=True, repr=False)
class Reader:
    """Who is reading, and what they may read of names: parents see their own children only.

    `names` reads the setting's names when a text is first shown to a parent, so a page with
    nothing to show costs no more than before; one Reader serves every text of a request."""

    user_id: str
    parent: bool
    own_child_ids: frozenset[str]
    policy: OtherChildren
    names: Callable[[], SettingNames] = field(default=_no_names, compare=False)

    @cached_property
    def matcher(self) -> NameMatcher:
        """The parent's view of every name of the setting, read once per Reader."""
        return self.names().for_reader(self.own_child_ids, self.policy, reader_id=self.user_id)

    def text(self, text: str) -> str:
        """Any text as this reader may read it: for a parent, no other family's names (S37)."""
        return self.matcher.text(text) if self.parent and text else text

    def moment(self, moment: Moment) -> Moment:
        """A moment from home as this reader may read it."""
        if not self.parent:
            return moment
        return replace(moment, text=self.text(moment.text), parent_name=self.text(moment.parent_name))

    def show(
        self,
        *,
        observation_id: str,
        status: ObservationStatus,
        children: Sequence[NamedChild],
        author_id: str,
        text: str,
        next_steps: str,
        areas: Sequence[Area],
        observed_on: date,
        published_at: datetime | None,
        photo_ids: Sequence[str],
        etag: str | None = None,
        comments: Sequence[Comment] | None = None,
    ) -> ShownEntry:
        if not self.parent:
            shown = [ShownChild(c.child_id, c.full_name, True) for c in children]
            return ShownEntry(
                observation_id, status, shown, author_id, text, next_steps, list(areas), observed_on,
                published_at, list(photo_ids), etag,
                None if comments is None else [self._comment(c, lambda t: t) for c in comments],
            )  # fmt: skip
        return ShownEntry(
            observation_id, status, shown_children(children, self.own_child_ids, self.policy), author_id,
            self.text(text), self.text(next_steps), list(areas), observed_on, published_at,
            list(photo_ids), etag,
            None if comments is None else [self._comment(c, self.text) for c in comments],
        )  # fmt: skip

    def _comment(self, comment: Comment, redact: Callable[[str], str]) -> ShownComment:
        mine = comment.author_id == self.user_id
        # Another parent's name would tell a parent whose child that is; staff names are fine.
        name = comment.author_name if (comment.author_is_staff or mine or not self.parent) else ANOTHER_PARENT
        return ShownComment(
            comment.comment_id, name, comment.author_is_staff, mine, redact(comment.text), comment.created_at
        )


def reader_for(
    deps: Deps, principal: Principal, setting: Setting | None = None, *, wanted: Collection[str] = ()
) -> Reader:
    """The reader's name rights: a parent's linked children, as read for this request (S24), which
    should include one of the `wanted` children."""
    if principal.role is not Role.PARENT:
        # Staff read every text as written; the policy applies to parents only.
        return Reader(principal.user_id, False, frozenset(), OtherChildren.INITIALS)
    own = access.readable_children(deps, principal, wanted)
    policy = setting.other_children if setting else other_children_policy(deps, principal.setting_id)
    return Reader(principal.user_id, True, own, policy, lambda: setting_names(deps, principal.setting_id))


def setting_names(deps: Deps, setting_id: str) -> SettingNames:
    """Every child of the setting (active and archived) and every family, as stored now."""
    return _matcher(tuple(deps.children.names(setting_id)), tuple(deps.accounts.families(setting_id)))


@lru_cache(maxsize=64)
def _matcher(children: tuple[NamedChild, ...], families: tuple[NamedParent, ...]) -> SettingNames:
    """The matcher of exactly these names. Keyed by the names themselves, read on every request,
    so a child or parent added or renamed a moment ago is always in it: the cache saves only the
    building (most of a large setting's page), never a read, and can never be stale."""
    return SettingNames(children, families)


def list_journal(
    deps: Deps,
    principal: Principal,
    child_id: object,
    *,
    cursor: str | None,
    area: object,
    reader: Reader | None = None,
) -> JournalPage:
    """A page of a child's published journal, newest first; 404 for a child the caller may not see.
    `reader` lets a caller reading many pages (an export) read the setting's names once."""
    child_id = access.child_id(child_id)
    chosen: Area | None = clean_area(area)
    reader = reader or reader_for(deps, principal, wanted=[child_id])
    if reader.parent:
        if child_id not in reader.own_child_ids:
            raise NotFound(NO_SUCH_CHILD)
    else:
        access.staff_visible_child(deps, principal, child_id)
    entries, next_cursor = deps.journal.page(
        principal.setting_id, child_id, area=chosen, size=JOURNAL_PAGE, cursor=cursor
    )
    shown = [
        reader.show(
            observation_id=e.observation_id,
            status=ObservationStatus.PUBLISHED,
            children=e.children,
            author_id=e.author_id,
            text=e.text,
            next_steps=e.next_steps,
            areas=e.areas,
            observed_on=e.observed_on,
            published_at=e.published_at,
            photo_ids=e.photo_ids,
        )
        for e in entries
    ]
    return JournalPage(shown, next_cursor)


# -- the setting's privacy policy ----------------------------------------------------------------


def other_children_policy(deps: Deps, setting_id: str) -> OtherChildren:
    """The setting's other_children policy, as stored now."""
    setting = deps.settings.get(setting_id)
    # An unknown setting cannot have a session; fall back to the strictest policy regardless.
    return setting.other_children if setting else OtherChildren.HIDDEN
