"""One room's cohort report on Azurite: the same storage requests whether the rest of the setting
is empty or holds another full room of judged children, and the records it reads are each one
child's range, never a point's whole partition (which grows with the setting).

Request counts and shapes from the SDK's own request hook: no timings.
"""

from __future__ import annotations

from urllib.parse import unquote

from shared.domain.rooms import Room
from shared.services import cohort_report, rooms
from shared.storage import keys
from tests.integration.test_flat_costs import Requests, bounded
from tests.integration.test_room_list_storage import clients, requests
from tests.nurseries import Nursery
from tests.service.test_assessments import this_term
from tests.service.test_cohort_report import final, last_term

__all__ = ["clients", "requests"]  # the fixtures, used by name: storage clients that count

ROOM = 6


def _fill(nursery: Nursery, room: Room, name: str, points: tuple[str, ...]) -> None:
    for n in range(ROOM):
        child = nursery.place.child(f"{name}{n:02d}", "Ashdown", by=nursery.manager)
        nursery.place.move(child, room, by=nursery.manager)
        for point in points:
            final(nursery, child, point, behind=("writing",) if n % 3 == 0 else ())


def _report(nursery: Nursery, room: Room, term: str) -> cohort_report.CohortReport:
    return cohort_report.cohort_report(nursery.deps, nursery.manager, term, room.room_id)


def _cost(requests: Requests, nursery: Nursery, room: Room, term: str) -> list[tuple[str, str]]:
    _report(nursery, room, term)  # warm: a first connection is not what we count
    with requests.during() as window:
        _report(nursery, room, term)
    return window


def _reads_a_whole_point(url: str) -> bool:
    return f"/{keys.ASSESSMENTS}()" in unquote(url) and "RowKey" not in unquote(url)


def test_a_rooms_report_costs_the_same_requests_however_full_the_rest_of_the_setting(
    nursery: Nursery, requests: Requests
) -> None:
    term = this_term(nursery)
    points = (last_term(nursery), term)
    ducks = rooms.add_room(nursery.deps, nursery.manager, "Ducklings")
    owls = rooms.add_room(nursery.deps, nursery.manager, "Owls")
    _fill(nursery, ducks, "Duck", points)
    alone = _cost(requests, nursery, ducks, term)
    _fill(nursery, owls, "Owl", points)
    beside = _cost(requests, nursery, ducks, term)

    report = _report(nursery, ducks, term)
    writing = next(a for a in report.areas if a.area_id == "literacy")
    assert (report.children, writing.counted, len(writing.behind)) == (ROOM, ROOM, ROOM // 3)
    assert all(c.first_name.startswith("Duck") for c in writing.behind)
    assert len(alone) == len(beside), (alone, beside)
    assert not any(_reads_a_whole_point(url) for _, url in beside), beside
    assessments_reads = [(m, u) for m, u in beside if f"/{keys.ASSESSMENTS}" in unquote(u)]
    assert len(assessments_reads) >= 2 * ROOM and all(bounded(m, u) for m, u in assessments_reads)
