"""The audit chain's check over real HTTP (S41): managers get the report, and an edited row shows."""

from __future__ import annotations

from azure.data.tables import UpdateMode

from shared.storage import keys
from tests.http.conftest import Api


def test_s41_a_manager_verifies_the_chain_and_sees_where_an_edited_entry_breaks_it(api: Api) -> None:
    who = api.activate_manager()
    assert api.sign_in(who).status_code == 200
    intact = api.get("/api/audit/verify")
    assert intact.status_code == 200, intact.text
    body = intact.json()
    assert body["intact"] is True and body["checked"] >= 2 and body["firstBroken"] is None
    assert body["archive"]["agrees"] is True and body["archive"]["archived"] == body["checked"]
    table = api.served.clients.table(keys.AUDIT)
    rows = [dict(r) for r in table.query_entities("Setting eq @s", parameters={"s": who["setting"]})]
    victim = min(rows, key=lambda r: int(r["Seq"]))
    victim["Outcome"] = "failure"
    table.update_entity(victim, mode=UpdateMode.REPLACE)
    broken = api.get("/api/audit/verify").json()
    assert broken["intact"] is False
    assert broken["firstBroken"]["seq"] == victim["Seq"]
    assert broken["archive"]["agrees"] is False and broken["archive"]["rewritten"] == 1
    assert broken["archive"]["firstDisagreeing"]["seq"] == victim["Seq"]
