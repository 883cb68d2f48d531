"""Photos: /api/observations/{id}/photos, /api/children/{childId}/moments/{momentId}/photos and
/api/photos/{id}. Raw image bytes in, short links out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import azure.functions as func

from functions.http import endpoint, json_response, principal
from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.domain import photos as photo_rules
    from shared.domain.photos import Photo
    from shared.services import photos
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    photo_rules = OnFirstUse("shared.domain.photos")
    photos = OnFirstUse("shared.services.photos")

bp = func.Blueprint()
ANON = func.AuthLevel.ANONYMOUS


@bp.route(route="api/observations/{id}/photos", methods=["POST"], auth_level=ANON)
@endpoint
def upload_photo(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    photo = photos.upload_photo(bootstrap.deps(), who, req.route_params.get("id", ""), _upload(req))
    return _created(photo)


@bp.route(route="api/children/{childId}/moments/{momentId}/photos", methods=["POST"], auth_level=ANON)
@endpoint
def upload_moment_photo(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    params = req.route_params
    photo = photos.upload_moment_photo(
        bootstrap.deps(), who, params.get("childId"), params.get("momentId"), _upload(req)
    )
    return _created(photo)


def _upload(req: func.HttpRequest) -> photos.Upload:
    return photos.Upload(
        body=req.get_body() or b"",
        declared_length=req.headers.get("Content-Length"),
        declared_type=req.headers.get("Content-Type"),
    )


def _created(photo: Photo) -> func.HttpResponse:
    return json_response(
        {"id": photo.photo_id, "width": photo.display.width, "height": photo.display.height}, status=201
    )


@bp.route(route="api/photos/{id}", methods=["GET"], auth_level=ANON)
@endpoint
def view_photo(req: func.HttpRequest) -> func.HttpResponse:
    who = principal(req)
    size = photo_rules.PhotoSize.parse(req.params.get("size"))
    link = photos.photo_link(bootstrap.deps(), who, req.route_params.get("id", ""), size)
    # A redirect, so <img src="/api/photos/..."> works; never cached, as the link dies in minutes.
    return func.HttpResponse(status_code=302, headers={"Location": link, "Cache-Control": "no-store"})


@bp.route(route="api/photos/{id}", methods=["DELETE"], auth_level=ANON)
@endpoint
def delete_photo(req: func.HttpRequest) -> func.HttpResponse:
    photos.delete_photo(bootstrap.deps(), principal(req), req.route_params.get("id", ""))
    return json_response({"status": "deleted"})
