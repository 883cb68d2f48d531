"""Settings (tenants): one row each, keyed by the setting id so even this table starts with it (S23)."""

from __future__ import annotations

from shared.domain.errors import Conflict
from shared.domain.settings import OtherChildren, Setting
from shared.storage import keys
from shared.storage.tables import Entity, Table


class TableSettings:
    """The SettingRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add(self, setting: Setting) -> None:
        try:
            self._table.create(_to_entity(setting))
        except Conflict:
            raise Conflict("A setting with that short name already exists.", field="slug") from None

    def get(self, setting_id: str) -> Setting | None:
        row = self._table.get(setting_id, keys.SETTING_ROW)
        return to_setting(row) if row else None

    def save(self, setting: Setting) -> None:
        """Write if unchanged since read (ConcurrencyConflict otherwise)."""
        self._table.update(_to_entity(setting), etag=setting.etag, replace=True)

    def remove(self, setting_id: str) -> None:
        self._table.delete(setting_id, keys.SETTING_ROW)


def _to_entity(setting: Setting) -> Entity:
    return {
        "PartitionKey": setting.setting_id,
        "RowKey": keys.SETTING_ROW,
        "Name": setting.name,
        "EmailDomain": setting.email_domain or "",
        "RetentionDays": setting.retention_days,
        "CreatedAt": setting.created_at,
        "OtherChildren": setting.other_children.value,
        "ApprovalRequired": setting.approval_required,
        "KeyChildrenOnly": setting.key_children_only,
        "StrongSignInManagers": setting.strong_sign_in_managers,  # S34
        "StrongSignInStaff": setting.strong_sign_in_staff,
        "StrongSignInGraceDays": setting.strong_sign_in_grace_days,
        "ExportWindowDays": setting.export_window_days,
        "DeactivatedRetentionDays": setting.deactivated_retention_days,
        "AuditRetentionDays": setting.audit_retention_days,
        "TimeZone": setting.time_zone,
        "Framework": setting.framework,
    }


def to_setting(row: Entity) -> Setting:
    return Setting(
        setting_id=row["PartitionKey"],
        name=row["Name"],
        email_domain=row.get("EmailDomain") or None,
        retention_days=int(row["RetentionDays"]),
        created_at=row["CreatedAt"],
        other_children=OtherChildren.stored(row.get("OtherChildren", OtherChildren.INITIALS.value)),
        approval_required=bool(row.get("ApprovalRequired", True)),
        key_children_only=bool(row.get("KeyChildrenOnly", False)),
        strong_sign_in_managers=bool(row.get("StrongSignInManagers", True)),
        strong_sign_in_staff=bool(row.get("StrongSignInStaff", False)),
        strong_sign_in_grace_days=int(row.get("StrongSignInGraceDays", 7)),
        export_window_days=int(row.get("ExportWindowDays", 30)),
        deactivated_retention_days=int(row.get("DeactivatedRetentionDays", 365)),
        audit_retention_days=int(row.get("AuditRetentionDays", 730)),
        time_zone=str(row.get("TimeZone") or "Europe/London"),
        framework=str(row.get("Framework", "development-matters")),
        etag=row["_etag"],
    )
