"""EYFS profiles: one row per child in the setting's partition (keys.py, "profiles")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from shared.domain.profile import Judgement, Profile, ProfileStatus
from shared.storage import keys
from shared.storage.tables import Entity, Table


class TableProfiles:
    """The ProfileRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, setting_id: str, child_id: str) -> Profile | None:
        row = self._table.get(setting_id, keys.profile_row(child_id))
        return _to_profile(row) if row else None

    def save(self, profile: Profile) -> Profile:
        if profile.etag is None:
            etag = self._table.create(_to_entity(profile))
        else:
            etag = self._table.update(_to_entity(profile), etag=profile.etag, replace=True)
        return replace(profile, etag=etag)

    def list(self, setting_id: str) -> Sequence[Profile]:
        rows = self._table.query("PartitionKey eq @setting", {"setting": setting_id})
        return [_to_profile(r) for r in rows]

    def remove(self, setting_id: str, child_id: str) -> None:
        self._table.delete(setting_id, keys.profile_row(child_id))


def _to_entity(profile: Profile) -> Entity:
    return {
        "PartitionKey": profile.setting_id,
        "RowKey": keys.profile_row(profile.child_id),
        "Judgements": json.dumps({k: v.value for k, v in sorted(profile.judgements.items())}),
        "Comment": profile.comment,
        "Status": profile.status.value,
        "SharedWithParents": profile.shared_with_parents,
        "UpdatedBy": profile.updated_by,
        "UpdatedAt": profile.updated_at,
        "FinalisedBy": profile.finalised_by,
        "FinalisedAt": profile.finalised_at,
    }


def _to_profile(row: Entity) -> Profile:
    return Profile(
        setting_id=row["PartitionKey"],
        child_id=row["RowKey"],
        judgements={k: Judgement(v) for k, v in json.loads(row.get("Judgements") or "{}").items()},
        comment=row.get("Comment") or "",
        status=ProfileStatus(row.get("Status", ProfileStatus.DRAFT.value)),
        shared_with_parents=bool(row.get("SharedWithParents", False)),
        updated_by=row.get("UpdatedBy") or "",
        updated_at=row.get("UpdatedAt"),
        finalised_by=row.get("FinalisedBy") or "",
        finalised_at=row.get("FinalisedAt"),
        etag=row["_etag"],
    )
