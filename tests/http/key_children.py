"""A nursery set up for the tracker's role tests: a key person for the nursery's child, another
practitioner who is not, and the setting's key-children-only policy on."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.test_photos_http import Nursery, open_nursery
from tests.http.test_tenant_isolation import join


def key_children_only(api: Api) -> tuple[Nursery, Api, Api]:
    """The nursery, its child's key person and a practitioner who is not (each signed in)."""
    nursery = open_nursery(api)
    manager = nursery.manager
    practitioner, practitioner_id, _ = join(
        manager, nursery.slug, "/api/staff", {"role": "practitioner"}, "Kit Key"
    )
    not_key, _, _ = join(manager, nursery.slug, "/api/staff", {"role": "practitioner"}, "Nell Other")
    version = manager.get(f"/api/children/{nursery.child_id}").headers["ETag"]
    keyed = manager.call("PATCH", f"/api/children/{nursery.child_id}", {"keyPersonId": practitioner_id},
                         headers={"If-Match": version})  # fmt: skip
    assert keyed.status_code == 200, keyed.text
    read = manager.get("/api/setting")
    policy = manager.call(
        "PATCH", "/api/setting", {"keyChildrenOnly": True}, headers={"If-Match": read.headers["ETag"]}
    )
    assert policy.status_code == 200, policy.text
    return nursery, practitioner, not_key
