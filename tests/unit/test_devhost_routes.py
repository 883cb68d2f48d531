"""Route templates the local host accepts: the forms the app declares, nothing it would match unlike Azure."""

from __future__ import annotations

import pytest

from devhost.routes import rule_paths


def test_a_parameter_filling_a_segment_becomes_a_werkzeug_variable() -> None:
    assert rule_paths("", "api/children/{id}/journal") == ["/api/children/<id>/journal"]


def test_a_trailing_catch_all_also_matches_the_path_without_it() -> None:
    assert rule_paths("", "{*path}") == ["/<path:path>", "/"]
    assert rule_paths("api", "files/{*rest}") == ["/api/files/<path:rest>", "/api/files"]


@pytest.mark.parametrize(
    "template",
    ["children/{id:int}", "children/{id?}", "children/photo-{id}", "{*rest}/more", "children/{id=1}"],
)
def test_a_form_the_app_does_not_use_stops_the_host_naming_the_route(template: str) -> None:
    with pytest.raises(ValueError, match="route"):
        rule_paths("", template)
