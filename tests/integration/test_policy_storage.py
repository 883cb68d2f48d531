"""The other-children policy as stored: a value saved before S37 was tightened still reads safely."""

from __future__ import annotations

from shared.domain.settings import OtherChildren
from shared.services.journal import other_children_policy
from shared.storage import keys
from shared.storage.clients import StorageClients
from shared.storage.tables import Table
from tests.nurseries import Nursery


def test_s37_a_setting_stored_under_the_retired_names_option_reads_as_initials(
    nursery: Nursery, clients: StorageClients
) -> None:
    setting_id = nursery.setting.setting_id
    table = Table(clients.table(keys.SETTINGS))
    row = table.get(setting_id, keys.SETTING_ROW)
    assert row is not None
    table.update(
        {"PartitionKey": setting_id, "RowKey": keys.SETTING_ROW, "OtherChildren": "names"}, etag=row["_etag"]
    )
    stored = nursery.deps.settings.get(setting_id)
    assert stored is not None and stored.other_children is OtherChildren.INITIALS
    assert other_children_policy(nursery.deps, setting_id) is OtherChildren.INITIALS
