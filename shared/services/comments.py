"""Comments on published observations: families and staff talking about what a child did.

Comments are returned inside GET /api/observations/{id} (redacted for parents like the rest of
the observation); journal pages carry no comments, so a page stays one storage query.
"""

from __future__ import annotations

import secrets

from shared.domain.errors import Conflict
from shared.domain.journal import MAX_COMMENT, Comment, clean_text
from shared.domain.observations import ObservationStatus
from shared.domain.people import Principal
from shared.services import access, notifications
from shared.services.deps import Deps


def add_comment(deps: Deps, principal: Principal, observation_id: str, text: object) -> Comment:
    """Comment on a published observation the caller may see (a linked parent, or staff). Audited."""
    observation = access.visible_observation(deps, principal, observation_id)
    if observation.status is not ObservationStatus.PUBLISHED:
        raise Conflict("Comments open when the observation is published.")
    comment = Comment(
        setting_id=principal.setting_id,
        observation_id=observation.observation_id,
        comment_id=secrets.token_hex(8),
        author_id=principal.user_id,
        author_name=principal.name,
        author_is_staff=principal.role.is_staff,
        text=clean_text(text, "text", limit=MAX_COMMENT),
        created_at=deps.clock.now(),
    )
    deps.comments.add(comment)
    deps.audit(principal.setting_id, principal.user_id, "comment.add", observation.observation_id, "success")
    notifications.comment_added(deps, principal, observation, comment)
    return comment
