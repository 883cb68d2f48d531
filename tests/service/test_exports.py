"""Journal exports against Azurite: who may ask, what a build holds (redacted for parents), the
zip's contents, failures, and the seven-day purge with a frozen clock."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pypdf
import pytest
from PIL import Image

from shared.clock import FrozenClock
from shared.domain.children import Child, ChildStatus
from shared.domain.errors import Conflict, Forbidden, NotFound, TooManyAttempts
from shared.domain.exports import CONTAINER, DAILY_LIMIT, Export, ExportStatus
from shared.domain.frameworks import eyfs
from shared.domain.people import Principal, Role
from shared.domain.settings import OtherChildren
from shared.services import comments, exports, observations, profile
from shared.services import photos as photo_service
from shared.services.audit_log import read_audit
from shared.services.deps import Deps
from tests import pdfs, photos
from tests.fakes.wiring import Fakes
from tests.journal_support import link, reviewed, set_policy
from tests.nurseries import Nursery, stepped_up

OWN = ("Ada", "Lovelace")
OTHER = ("Grace", "Hopper")


@dataclasses.dataclass
class Family:
    """A nursery with two children in a group observation with a photo, and Ada's parent."""

    nursery: Nursery
    ada: Child
    grace: Child
    parent: Principal
    observation_id: str

    @property
    def deps(self) -> Deps:
        return self.nursery.deps

    @property
    def manager(self) -> Principal:
        return self.nursery.manager


def observe(nursery: Nursery, children: Sequence[Child], text: str, observed_on: str, *, photo: bool) -> str:
    deps, manager = nursery.deps, nursery.manager
    given = observations.ObservationText(
        child_ids=[c.child_id for c in children],
        text=text,
        areas=["mathematics"],
        next_steps=f"Count to twenty with {children[-1].first_name}.",
        observed_on=observed_on,
    )
    created = observations.create_observation(deps, manager, given)
    if photo:
        photo_service.upload_photo(
            deps, manager, created.observation_id, photo_service.Upload(photos.jpeg_with_exif(200, 100))
        )
    observations.publish_observation(
        deps, manager, created.observation_id, reviewed(deps, manager, created.observation_id)
    )
    return created.observation_id


@pytest.fixture
def family(nursery: Nursery) -> Family:
    set_policy(nursery.deps, nursery.setting.setting_id, other_children=OtherChildren.HIDDEN)
    consent = {"photosInOthersJournals": True}
    ada = nursery.child(firstName=OWN[0], lastName=OWN[1], **consent)
    grace = nursery.child(firstName=OTHER[0], lastName=OTHER[1], **consent)
    today = nursery.deps.clock.now().date()
    later = observe(
        nursery, [ada, grace], "Ada and Grace Hopper built a tower.", today.isoformat(), photo=True
    )
    observe(nursery, [ada], "Ada painted a boat.", (today - timedelta(days=3)).isoformat(), photo=True)
    _, parent = nursery.principal(Role.PARENT)
    link(nursery.deps, parent, ada)
    comments.add_comment(nursery.deps, parent, later, "She told us about Grace all evening.")
    return Family(nursery, ada, grace, parent, later)


def built(family: Family, who: Principal, child: Child | None = None) -> Export:
    export = exports.request_export(family.deps, who, (child or family.ada).child_id)
    exports.build_export(family.deps, export.setting_id, export.export_id)
    found = family.deps.exports.get(export.setting_id, export.export_id)
    assert found is not None
    return found


def blob(fakes: Fakes, name: str) -> bytes:
    return fakes.export_files.read(name)


def blob_exists(fakes: Fakes, name: str) -> bool:
    return name in fakes.export_files.blobs


def pdf_text(pdf: bytes) -> str:
    """The text a reader's PDF viewer extracts, page after page."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- building ------------------------------------------------------------------------------------


def test_a_managers_export_holds_every_name_in_date_order_with_photos_and_comments(
    family: Family, fakes: Fakes
) -> None:
    export = built(family, family.manager)
    assert export.status is ExportStatus.READY and export.ready_at is not None
    pdf = blob(fakes, export.blob("pdf"))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Ada Lovelace" in text and "Grace Hopper built a tower" in text
    assert text.index("painted a boat") < text.index("built a tower")  # oldest first
    assert "Mathematics" in text and "Count to twenty" in text
    assert "She told us about Grace all evening." in text
    files = unzip(blob(fakes, export.blob("zip")))
    assert files["journal.pdf"] == pdf
    document = json.loads(files["journal.json"])
    assert [o["text"] for o in document["observations"]] == [
        "Ada painted a boat.",
        "Ada and Grace Hopper built a tower.",
    ]
    assert {c["name"] for c in document["observations"][1]["children"]} == {"Ada Lovelace", "Grace Hopper"}


def test_a_parents_export_never_holds_the_other_childs_name(family: Family, fakes: Fakes) -> None:
    export = built(family, family.parent)
    assert export.status is ExportStatus.READY
    pdf = blob(fakes, export.blob("pdf"))
    files = unzip(blob(fakes, export.blob("zip")))
    for readable in (pdf_text(pdf), files["journal.json"].decode("utf-8")):
        assert "Ada Lovelace" in readable
        assert "Grace" not in readable and "Hopper" not in readable
    document = json.loads(files["journal.json"])
    assert document["redacted"] is True
    assert document["observations"][1]["text"] == "Ada and a friend built a tower."
    assert document["observations"][1]["comments"][0]["text"] == "She told us about a friend all evening."


def test_the_zip_holds_the_pdf_the_json_and_the_photos_named_by_date_without_exif(
    family: Family, fakes: Fakes
) -> None:
    export = built(family, family.parent)
    files = unzip(blob(fakes, export.blob("zip")))
    today = family.deps.clock.now().date()
    earlier = today - timedelta(days=3)
    assert sorted(files) == sorted(
        [
            "journal.pdf",
            "journal.json",
            f"photos/{earlier.isoformat()}-01.jpg",
            f"photos/{today.isoformat()}-01.jpg",
        ]
    )
    document = json.loads(files["journal.json"])
    assert [o["photos"] for o in document["observations"]] == [
        [f"photos/{earlier.isoformat()}-01.jpg"], [f"photos/{today.isoformat()}-01.jpg"]
    ]  # fmt: skip
    for name, data in files.items():
        if name.startswith("photos/"):
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "JPEG"
                assert not image.getexif()
            assert all(secret not in data for secret in photos.SECRETS)
            assert b"Exif" not in data


def test_any_unicode_name_builds_and_the_json_keeps_it_exactly(nursery: Nursery, fakes: Fakes) -> None:
    child = nursery.child(firstName="Zoë-李", lastName="Łukasz 🌻 O'Brien")
    today = nursery.deps.clock.now().date().isoformat()
    observe(nursery, [child], "Zoë-李 sang « bonjour » 👋 and counted to 五.", today, photo=False)
    export = exports.request_export(nursery.deps, nursery.manager, child.child_id)
    exports.build_export(nursery.deps, export.setting_id, export.export_id)
    ready = nursery.deps.exports.get(export.setting_id, export.export_id)
    assert ready is not None and ready.status is ExportStatus.READY
    files = unzip(blob(fakes, export.blob("zip")))
    document = json.loads(files["journal.json"])
    assert document["child"]["name"] == "Zoë-李 Łukasz 🌻 O'Brien"
    assert pdfs.shows(files["journal.pdf"], "Zoë-李 Łukasz 🌻 O'Brien")
    assert pdfs.shows(files["journal.pdf"], "Zoë-李 sang « bonjour » 👋 and counted to 五.")


def test_an_empty_journal_still_builds(nursery: Nursery, fakes: Fakes) -> None:
    child = nursery.child()
    export = exports.request_export(nursery.deps, nursery.manager, child.child_id)
    exports.build_export(nursery.deps, export.setting_id, export.export_id)
    assert "No published observations yet." in pdf_text(blob(fakes, export.blob("pdf")))


def test_the_request_queues_a_base64_message_naming_only_ids(family: Family, fakes: Fakes) -> None:
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    # The queue adapter's base64 JSON body is proved against Azurite in tests/contract.
    assert (export.setting_id, export.export_id) in fakes.export_requests.requests
    stored = family.deps.exports.get(export.setting_id, export.export_id)
    assert stored is not None and stored.status is ExportStatus.QUEUED
    assert not blob_exists(fakes, export.blob("zip"))  # nothing is built inside the request


def test_a_failed_build_marks_the_export_failed_and_raises_for_a_retry(family: Family) -> None:
    class BrokenFiles:
        def put(self, name: str, data: bytes, content_type: str) -> None:
            raise OSError("disk on fire")

        def delete(self, names: Sequence[str]) -> None: ...

        def download_url(self, name: str, content_type: str, file_name: str) -> str:
            raise AssertionError("never issued for a failed export")

    broken = dataclasses.replace(family.deps, export_files=BrokenFiles())
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    with pytest.raises(OSError):
        exports.build_export(broken, export.setting_id, export.export_id)
    failed = family.deps.exports.get(export.setting_id, export.export_id)
    assert failed is not None and failed.status is ExportStatus.FAILED
    assert exports.export_status(family.deps, family.parent, export.export_id).zip_url is None
    exports.build_export(family.deps, export.setting_id, export.export_id)  # the host's retry
    again = family.deps.exports.get(export.setting_id, export.export_id)
    assert again is not None and again.status is ExportStatus.READY


def test_a_parent_unlinked_before_the_build_gets_a_failed_export_not_the_journal(
    family: Family, fakes: Fakes
) -> None:
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    family.deps.links.unlink(family.parent.setting_id, family.parent.user_id, family.ada.child_id)
    exports.build_export(family.deps, export.setting_id, export.export_id)  # no retry: it cannot help
    failed = family.deps.exports.get(export.setting_id, export.export_id)
    assert failed is not None and failed.status is ExportStatus.FAILED
    assert not blob_exists(fakes, export.blob("zip"))


# -- who may ask, and how often ------------------------------------------------------------------


def test_another_familys_parent_and_another_setting_get_404(family: Family, other_nursery: Nursery) -> None:
    _, stranger = family.nursery.principal(Role.PARENT)
    link(family.deps, stranger, family.grace)
    with pytest.raises(NotFound):
        exports.request_export(family.deps, stranger, family.ada.child_id)
    with pytest.raises(NotFound):
        exports.request_export(family.deps, other_nursery.manager, family.ada.child_id)
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    for outsider in (stranger, other_nursery.manager):
        with pytest.raises(NotFound):
            exports.export_status(family.deps, outsider, export.export_id)


def test_a_practitioner_cannot_export(family: Family) -> None:
    _, practitioner = family.nursery.principal(Role.PRACTITIONER)
    with pytest.raises(Forbidden):
        exports.request_export(family.deps, practitioner, family.ada.child_id)


def archive(deps: Deps, child: Child, days_ago: float) -> None:
    stored = deps.children.get(child.setting_id, child.child_id)
    assert stored is not None
    stored.status = ChildStatus.ARCHIVED
    stored.archived_at = deps.clock.now() - timedelta(days=days_ago)
    deps.children.save(stored)


def test_an_archived_child_exports_inside_the_window_and_not_after(family: Family) -> None:
    archive(family.deps, family.ada, days_ago=29)
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    assert export.status is ExportStatus.QUEUED
    archive(family.deps, family.grace, days_ago=31)
    _, grace_parent = family.nursery.principal(Role.PARENT)
    link(family.deps, grace_parent, family.grace)
    for who in (grace_parent, family.manager):
        with pytest.raises(Forbidden):
            exports.request_export(family.deps, who, family.grace.child_id)


def test_an_export_made_inside_the_window_gives_no_links_once_the_window_has_closed(
    family: Family, clock: FrozenClock
) -> None:
    archive(family.deps, family.ada, days_ago=29)
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    exports.build_export(family.deps, export.setting_id, export.export_id)
    assert exports.export_status(family.deps, family.parent, export.export_id).zip_url is not None
    clock.advance(days=2)  # the window (30 days) has closed; the files (7 days) are not purged yet
    downloads_before = _downloads(family)
    for who in (family.parent, family.manager):
        with pytest.raises(Forbidden):
            exports.export_status(family.deps, who, export.export_id)
    assert _downloads(family) == downloads_before  # no links were issued


def _downloads(family: Family) -> int:
    found = read_audit(family.deps, family.manager, action="export.download")
    return len(found.events)


def test_one_export_in_progress_per_child_per_requester(family: Family) -> None:
    first = exports.request_export(family.deps, family.parent, family.ada.child_id)
    with pytest.raises(Conflict):
        exports.request_export(family.deps, family.parent, family.ada.child_id)
    exports.request_export(family.deps, family.manager, family.ada.child_id)  # another requester
    exports.build_export(family.deps, first.setting_id, first.export_id)
    exports.request_export(family.deps, family.parent, family.ada.child_id)  # the first is done


def test_a_lost_export_stops_blocking_after_an_hour(family: Family, clock: FrozenClock) -> None:
    exports.request_export(family.deps, family.parent, family.ada.child_id)
    clock.advance(minutes=59)
    parent = stepped_up(family.deps, family.parent)  # S35: the dialog asks again after 5 minutes
    with pytest.raises(Conflict):
        exports.request_export(family.deps, parent, family.ada.child_id)
    clock.advance(minutes=2)
    exports.request_export(family.deps, parent, family.ada.child_id)


def test_five_exports_a_day_per_requester_then_429_until_a_day_has_passed(
    nursery: Nursery, clock: FrozenClock
) -> None:
    children = [nursery.child() for _ in range(DAILY_LIMIT + 1)]
    for child in children[:DAILY_LIMIT]:
        exports.request_export(nursery.deps, nursery.manager, child.child_id)
        clock.advance(minutes=1)
    with pytest.raises(TooManyAttempts) as refused:
        exports.request_export(nursery.deps, stepped_up(nursery.deps, nursery.manager), children[-1].child_id)
    assert 0 < refused.value.retry_after <= 24 * 3600
    clock.advance(seconds=refused.value.retry_after)
    exports.request_export(nursery.deps, stepped_up(nursery.deps, nursery.manager), children[-1].child_id)


# -- status, links and audit ---------------------------------------------------------------------


def test_the_requester_and_a_manager_get_short_read_only_links_once_ready(family: Family) -> None:
    export = exports.request_export(family.deps, family.parent, family.ada.child_id)
    assert exports.export_status(family.deps, family.parent, export.export_id).zip_url is None
    exports.build_export(family.deps, export.setting_id, export.export_id)
    for who in (family.parent, family.manager):
        view = exports.export_status(family.deps, who, export.export_id)
        assert view.export.status is ExportStatus.READY
        for url, kind in ((view.zip_url, "zip"), (view.pdf_url, "pdf")):
            assert (
                url is not None
                and f"/{CONTAINER}/{export.setting_id}/{export.export_id}/journal.{kind}?" in url
            )
            assert "sp=r&" in url and "sr=b" in url
            assert "rscd=attachment" in url


def test_requests_builds_and_downloads_are_audited_with_ids_only(family: Family) -> None:
    export = built(family, family.parent)
    exports.export_status(family.deps, family.parent, export.export_id)
    found = read_audit(family.deps, family.manager, cursor=None).events
    mine = [(e.action, e.actor, e.target, e.outcome) for e in found if e.action.startswith("export.")]
    assert sorted(mine) == sorted([
        ("export.request", family.parent.user_id, export.export_id, "success"),
        ("export.build", "system", export.export_id, "success"),
        ("export.download", family.parent.user_id, export.export_id, "success"),
    ])  # fmt: skip
    text = " ".join(f"{e.target} {e.detail}" for e in found if e.action.startswith("export."))
    assert "Ada" not in text and "Grace" not in text and "sig=" not in text


# -- the seven-day purge -------------------------------------------------------------------------


def test_exports_are_purged_after_seven_days_and_not_before(
    family: Family, fakes: Fakes, clock: FrozenClock
) -> None:
    export = built(family, family.parent)
    setting_id = export.setting_id
    before = clock.now() + timedelta(days=7) - timedelta(minutes=1)
    assert exports.purge_expired_exports(family.deps, setting_id, before) == 0
    assert blob_exists(fakes, export.blob("zip")) and blob_exists(fakes, export.blob("pdf"))
    assert family.deps.exports.get(setting_id, export.export_id) is not None
    after = clock.now() + timedelta(days=7, minutes=1)
    assert exports.purge_expired_exports(family.deps, setting_id, after) == 1
    assert not blob_exists(fakes, export.blob("zip")) and not blob_exists(fakes, export.blob("pdf"))
    assert family.deps.exports.get(setting_id, export.export_id) is None
    assert exports.purge_expired_exports(family.deps, setting_id, after) == 0  # idempotent


def test_an_export_older_than_seven_days_is_not_found_even_before_the_purge(
    family: Family, clock: FrozenClock
) -> None:
    export = built(family, family.parent)
    clock.advance(days=7)
    with pytest.raises(NotFound):
        exports.export_status(family.deps, family.parent, export.export_id)


def test_parallel_requests_start_one_export_of_a_child_and_at_most_five_a_day(nursery: Nursery) -> None:
    child = nursery.child()
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: attempt(nursery, child.child_id), range(6)))
    assert outcomes.count("queued") == 1
    assert set(outcomes) == {"queued", "Conflict"}
    others = [nursery.child() for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda c: attempt(nursery, c.child_id), others))
    # Never more than the limit (one was used above); under contention a loser may be told to retry.
    assert 1 <= outcomes.count("queued") <= DAILY_LIMIT - 1
    assert set(outcomes) <= {"queued", "TooManyAttempts", "Conflict"}


def attempt(nursery: Nursery, child_id: str) -> str:
    try:
        return exports.request_export(nursery.deps, nursery.manager, child_id).status.value
    except (Conflict, TooManyAttempts) as refused:
        return type(refused).__name__


def test_the_childs_export_includes_the_eyfs_profile_for_a_manager_and_for_a_parent_once_shared(
    family: Family, fakes: Fakes
) -> None:
    manager = family.nursery.manager
    marks = dict.fromkeys([e.elg_id for e in eyfs().elgs], "expected")
    recorded = profile.record_profile(
        family.deps,
        manager,
        family.ada.child_id,
        profile.ProfileChange(marks, "Ada persists with puzzles."),
        None,
    )
    staff_files = unzip(blob(fakes, built(family, manager).blob("zip")))
    document = json.loads(staff_files["journal.json"])
    assert document["eyfsProfile"]["goodLevelOfDevelopment"] is True
    assert len(document["eyfsProfile"]["judgements"]) == 17
    assert pdfs.shows(staff_files["journal.pdf"], "Ada persists with puzzles.")
    parent_files = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    assert "eyfsProfile" not in json.loads(parent_files["journal.json"])  # a draft: never to parents
    assert not pdfs.shows(parent_files["journal.pdf"], "EYFS profile")
    final = profile.finalise_profile(family.deps, manager, family.ada.child_id, recorded.etag)
    profile.share_profile(family.deps, manager, family.ada.child_id, True, final.etag)
    shared = unzip(blob(fakes, built(family, family.parent).blob("zip")))
    assert json.loads(shared["journal.json"])["eyfsProfile"]["status"] == "final"
    assert pdfs.shows(shared["journal.pdf"], "Good level of development: yes.")
