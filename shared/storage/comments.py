"""Comments on observations: table `comments`, one partition per observation, oldest first.

Keys (shared.storage.keys): one partition per observation, RowKey by creation time then comment
id, so reading an observation's comments is one partition query in the order they were written.
Rows are only created: a comment is a small conversation, not a document.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.journal import Comment
from shared.storage import keys
from shared.storage.tables import Entity, Table


class TableComments:
    """The CommentRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add(self, comment: Comment) -> None:
        self._table.create(
            {
                "PartitionKey": keys.comments_partition(comment.setting_id, comment.observation_id),
                "RowKey": keys.comment_row(comment.created_at, comment.comment_id),
                "CommentId": comment.comment_id,
                "AuthorId": comment.author_id,
                "AuthorName": comment.author_name,
                "AuthorIsStaff": comment.author_is_staff,
                "Text": comment.text,
                "CreatedAt": comment.created_at,
            }
        )

    def of(self, setting_id: str, observation_id: str) -> Sequence[Comment]:
        rows = self._table.query(
            "PartitionKey eq @pk", {"pk": keys.comments_partition(setting_id, observation_id)}
        )
        return [_to_comment(r) for r in rows]


def _to_comment(row: Entity) -> Comment:
    setting_id, observation_id = keys.split_partition(row["PartitionKey"])
    return Comment(
        setting_id=setting_id,
        observation_id=observation_id,
        comment_id=row["CommentId"],
        author_id=row["AuthorId"],
        author_name=row["AuthorName"],
        author_is_staff=bool(row["AuthorIsStaff"]),
        text=row["Text"],
        created_at=row["CreatedAt"],
    )
