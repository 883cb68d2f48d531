"""The CommentRepository contract: an observation's comments, oldest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.clock import FrozenClock
from shared.domain.errors import Conflict
from shared.domain.journal import Comment
from shared.services.deps import Deps


def test_comments_read_back_oldest_first_for_their_observation_only(
    ports: Deps, setting_id: str, clock: FrozenClock
) -> None:
    def comment(cid: str, seconds: int, observation_id: str = "o1") -> Comment:
        at = clock.now() + timedelta(seconds=seconds)
        return Comment(setting_id, observation_id, cid, "u1", "Sam Parent", False, f"Comment {cid}", at)

    made = [comment("k2", 30), comment("k1", 10), comment("k3", 20)]
    for each in made:
        ports.comments.add(each)
    ports.comments.add(comment("k9", 0, "o2"))
    assert ports.comments.of(setting_id, "o1") == sorted(made, key=lambda c: c.created_at)
    assert ports.comments.of(setting_id + "x", "o1") == []
    with pytest.raises(Conflict):
        ports.comments.add(made[0])
