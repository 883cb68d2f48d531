"""Comments on observations: table `comments`, one partition per observation, oldest first.

Keys (S23): PartitionKey = {setting_id}~{observation_id}, RowKey = {zero-padded ms}~{comment_id},
so reading an observation's comments is one partition query in the order they were written.
Rows are only created: a comment is a small conversation, not a document.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.journal import Comment
from shared.storage.tables import Entity, Table


def partition_of(setting_id: str, observation_id: str) -> str:
    return f"{setting_id}~{observation_id}"


class TableComments:
    """The CommentRepository port over Azure Table Storage."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def add(self, comment: Comment) -> None:
        millis = int(comment.created_at.timestamp() * 1000)
        self._table.create(
            {
                "PartitionKey": partition_of(comment.setting_id, comment.observation_id),
                "RowKey": f"{millis:015d}~{comment.comment_id}",
                "CommentId": comment.comment_id,
                "AuthorId": comment.author_id,
                "AuthorName": comment.author_name,
                "AuthorIsStaff": comment.author_is_staff,
                "Text": comment.text,
                "CreatedAt": comment.created_at,
            }
        )

    def of(self, setting_id: str, observation_id: str) -> Sequence[Comment]:
        rows = self._table.query("PartitionKey eq @pk", {"pk": partition_of(setting_id, observation_id)})
        return [_to_comment(r) for r in rows]


def _to_comment(row: Entity) -> Comment:
    setting_id, _, observation_id = row["PartitionKey"].partition("~")
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
