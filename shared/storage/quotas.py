"""The daily photo upload quota (S26): one counter row per account and UTC day in the setting's
accounts partition (shared.storage.keys.uploads_row).

Every count is a write guarded by the row's ETag (or a create, for the day's first photo), so
parallel uploads of one account cannot both take the last place: the loser of a race reads the
row again and counts from what is there now. The adapter remembers the row's last count and ETag
from its own write, so an upload costs one storage request (the guarded write) unless another
process counted meanwhile. The row expires the next day and the nightly sweep of the accounts
partition removes it.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import date, datetime

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.storage import keys
from shared.storage.tables import Table

# Each retry means another upload of the same account won meanwhile.
_ATTEMPTS = 30
_CACHED_ROWS = 10_000  # a few dozen bytes each; cleared rather than grown without bound
UPLOADS_KIND = "uploads"

_Row = tuple[str, str, date]


class TableUploadQuota:
    """The UploadQuota port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._lock = threading.Lock()
        self._known: dict[_Row, tuple[int, str]] = {}  # count and ETag this process last wrote

    def reserve(self, setting_id: str, user_id: str, day: date, limit: int, expires_at: datetime) -> bool:
        return self._change((setting_id, user_id, day), +1, limit, expires_at)

    def release(self, setting_id: str, user_id: str, day: date) -> None:
        self._change((setting_id, user_id, day), -1, 0, None)

    def _change(self, row: _Row, step: int, limit: int, expires_at: datetime | None) -> bool:
        setting_id, user_id, day = row
        key = {"PartitionKey": setting_id, "RowKey": keys.uploads_row(user_id, day)}
        with self._lock:
            known = self._known.get(row)
        for attempt in range(_ATTEMPTS):
            if known is None and (attempt or step < 0):
                stored = self._table.get(setting_id, key["RowKey"])
                known = (int(stored["Count"]), str(stored["_etag"])) if stored else (0, "")
            count, etag = known if known is not None else (0, "")
            # A remembered count at the limit may be stale (a place given back elsewhere): read it.
            if step > 0 and count >= limit and known is not None and attempt == 0:
                known = None
                continue
            if step > 0 and count >= limit:
                return False
            if step < 0 and count == 0:
                return True
            try:
                if etag:
                    new_etag = self._table.update({**key, "Count": count + step}, etag=etag)
                else:
                    new_etag = self._table.create(
                        {**key, "Kind": UPLOADS_KIND, "Count": count + step, "ExpiresAt": expires_at}
                    )
            except (ConcurrencyConflict, Conflict, NotFound):
                known = None  # another process counted first (or the row is new to us): read again
                if attempt:
                    time.sleep(secrets.randbelow(10) / 1000)
                continue
            with self._lock:
                if len(self._known) > _CACHED_ROWS:
                    self._known.clear()
                self._known[row] = (count + step, new_etag)
            return True
        raise ConcurrencyConflict("too many uploads at once; please try again")
