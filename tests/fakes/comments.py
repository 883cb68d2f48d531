"""The CommentRepository port in memory: an observation's comments, oldest first."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from shared.domain.errors import Conflict
from shared.domain.journal import Comment
from tests.fakes.rows import millis


class MemoryComments:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str], dict[str, Comment]] = {}

    def add(self, comment: Comment) -> None:
        row = f"{millis(comment.created_at):015d}~{comment.comment_id}"
        with self._lock:
            rows = self._rows.setdefault((comment.setting_id, comment.observation_id), {})
            if row in rows:
                raise Conflict("that already exists")
            rows[row] = comment  # frozen: safe to share

    def of(self, setting_id: str, observation_id: str) -> Sequence[Comment]:
        with self._lock:
            rows = self._rows.get((setting_id, observation_id), {})
            return [c for _, c in sorted(rows.items())]
