"""The ExportRepository contract: an export and its requester's record, written in one step."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.domain.exports import Export, ExportStatus, RecentRequest, RequesterExports
from shared.services.deps import Deps
from tests.contract.examples import fresh


def _request(
    ports: Deps, setting_id: str, clock: FrozenClock, user_id: str = "u1", minutes: int = 0
) -> Export:
    at = clock.now() + timedelta(minutes=minutes)
    export = Export(setting_id, fresh("e"), "ca", user_id, ExportStatus.QUEUED, at)
    record = ports.exports.requester(setting_id, user_id)
    record.recent.append(RecentRequest(at, "ca", export.export_id))
    ports.exports.add(export, record)
    return export


def test_a_first_request_creates_the_requesters_record_with_the_export(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    assert ports.exports.requester(setting_id, "u1") == RequesterExports(setting_id, "u1")
    export = _request(ports, setting_id, clock)
    stored = ports.exports.get(setting_id, export.export_id)
    assert stored is not None and stored.etag and replace(stored, etag=None) == export
    record = ports.exports.requester(setting_id, "u1")
    assert record.etag and record.recent == [RecentRequest(clock.now(), "ca", export.export_id)]
    assert ports.exports.get(setting_id, "requester~u1") is None  # the record is not an export


def test_two_requests_from_one_record_cannot_both_succeed(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    _request(ports, setting_id, clock)
    read = ports.exports.requester(setting_id, "u1")
    first = Export(setting_id, fresh("e"), "cb", "u1", ExportStatus.QUEUED, clock.now())
    second = Export(setting_id, fresh("e"), "cc", "u1", ExportStatus.QUEUED, clock.now())
    ports.exports.add(
        first, replace(read, recent=[*read.recent, RecentRequest(clock.now(), "cb", first.export_id)])
    )
    with pytest.raises(ConcurrencyConflict):
        ports.exports.add(second, replace(read, recent=[*read.recent]))
    assert ports.exports.get(setting_id, second.export_id) is None
    assert len(ports.exports.requester(setting_id, "u1").recent) == 2


def test_two_first_requests_race_and_one_is_refused(ports: Deps, setting_id: str, clock: FrozenClock) -> None:
    fresh_record = ports.exports.requester(setting_id, "u1")
    _request(ports, setting_id, clock)
    late = Export(setting_id, fresh("e"), "cb", "u1", ExportStatus.QUEUED, clock.now())
    with pytest.raises(Conflict):
        ports.exports.add(late, fresh_record)
    assert ports.exports.get(setting_id, late.export_id) is None


def test_saving_an_export_writes_its_status_and_a_purged_one_is_not_found(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    export = _request(ports, setting_id, clock)
    ready = replace(export, status=ExportStatus.READY, ready_at=clock.now())
    ports.exports.save(ready)
    stored = ports.exports.get(setting_id, export.export_id)
    assert stored is not None and stored.status is ExportStatus.READY and stored.ready_at == clock.now()
    ports.exports.remove(setting_id, export.export_id)
    ports.exports.remove(setting_id, export.export_id)
    with pytest.raises(NotFound):
        ports.exports.save(ready)


def test_old_exports_and_idle_requesters_are_found_for_the_purge(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    old = _request(ports, setting_id, clock, "u1", minutes=-120)
    _request(ports, setting_id, clock, "u2", minutes=0)
    cutoff = clock.now() - timedelta(minutes=60)
    assert [e.export_id for e in ports.exports.created_before(setting_id, cutoff)] == [old.export_id]
    assert ports.exports.created_before(setting_id + "x", clock.now() + timedelta(days=1)) == []
    assert ports.exports.remove_requesters_idle_since(setting_id, cutoff) == 1
    assert ports.exports.requester(setting_id, "u1").etag is None
    assert ports.exports.requester(setting_id, "u2").etag is not None
