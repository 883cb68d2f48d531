"""The daily photo upload quota (S26): one counter row per account and UTC day in the setting's
accounts partition (shared.storage.keys.uploads_row).

Every count is a point read and a write guarded by the row's ETag (or a create, for the day's
first photo), so parallel uploads of one account cannot both take the last place: the loser of a
race reads the row again and counts from what is there now. The row expires the next day and
the nightly sweep of the accounts partition removes it.
"""

from __future__ import annotations

import secrets
import time
from datetime import date, datetime

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.storage import keys
from shared.storage.tables import Table

# Each retry means another upload of the same account won meanwhile.
_ATTEMPTS = 30
UPLOADS_KIND = "uploads"


class TableUploadQuota:
    """The UploadQuota port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def reserve(self, setting_id: str, user_id: str, day: date, limit: int, expires_at: datetime) -> bool:
        return self._change(setting_id, user_id, day, +1, limit=limit, expires_at=expires_at)

    def release(self, setting_id: str, user_id: str, day: date) -> None:
        self._change(setting_id, user_id, day, -1)

    def _change(
        self, setting_id: str, user_id: str, day: date, step: int, *, limit: int = 0,
        expires_at: datetime | None = None,
    ) -> bool:  # fmt: skip
        row_key = keys.uploads_row(user_id, day)
        for _ in range(_ATTEMPTS):
            row = self._table.get(setting_id, row_key)
            count = int(row["Count"]) if row else 0
            if step > 0 and count >= limit:
                return False
            if step < 0 and count == 0:
                return True
            entity = {"PartitionKey": setting_id, "RowKey": row_key, "Count": count + step}
            try:
                if row is None:
                    self._table.create({**entity, "Kind": UPLOADS_KIND, "ExpiresAt": expires_at})
                else:
                    self._table.update(entity, etag=str(row["_etag"]))
                return True
            except (ConcurrencyConflict, Conflict, NotFound):
                time.sleep(secrets.randbelow(10) / 1000)  # another upload counted first: read again
        raise ConcurrencyConflict("too many uploads at once; please try again")
