"""A thin layer over one Azure table that every repository shares.

It gives repositories plain dicts with their ETag, ETag-guarded writes, parameterised queries
only (S25), and transactions chunked to the service's limit of 100 operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from azure.core import MatchConditions
from azure.data.tables import TableClient, TableTransactionError, UpdateMode

from shared.domain.errors import ConcurrencyConflict, Conflict, NotFound
from shared.storage.errors import translated

# The Table service refuses batches of more than 100 operations, and Azurite answers one with
# an unparseable response rather than an error, so we split in our own code.
MAX_BATCH = 100

Entity = dict[str, Any]


@dataclass(frozen=True, repr=False)
class Operation:
    """One step of a transaction: what to do, to which entity, guarded by which ETag."""

    # "upsert" merges into a row that exists; "put" writes the whole row whether or not it exists.
    kind: Literal["create", "update", "replace", "upsert", "put", "delete"]
    entity: Mapping[str, Any]
    etag: str | None = None


def etag_of(entity: Mapping[str, Any]) -> str | None:
    metadata = getattr(entity, "metadata", None)
    return metadata.get("etag") if metadata else entity.get("_etag")


class Table:
    """One table, with our error translation and concurrency rules applied."""

    def __init__(self, client: TableClient) -> None:
        self._client = client

    def get(self, partition: str, row: str) -> Entity | None:
        """The entity, with its ETag under "_etag", or None when it does not exist."""
        try:
            with translated():
                found = self._client.get_entity(partition, row)
        except NotFound:
            return None
        return _plain(found)

    def query(
        self, filter: str, parameters: Mapping[str, Any], *, select: Sequence[str] | None = None
    ) -> Iterator[Entity]:
        """Entities matching a parameterised OData filter; user text only ever goes in parameters."""
        with translated():
            for found in self._client.query_entities(
                filter, parameters=dict(parameters), select=list(select) if select else None
            ):
                yield _plain(found)

    def page(
        self, filter: str, parameters: Mapping[str, Any], *, size: int, token: Any = None
    ) -> tuple[list[Entity], Any]:
        """One page of results and the continuation token for the next (None at the end)."""
        with translated():
            pages: Any = self._client.query_entities(
                filter, parameters=dict(parameters), results_per_page=size
            ).by_page(continuation_token=token)
            items = [_plain(e) for e in next(pages, [])]
            return items, pages.continuation_token

    def create(self, entity: Mapping[str, Any]) -> str:
        """Insert a new entity; Conflict when the key is taken. Returns the new ETag."""
        with translated():
            result = self._client.create_entity(_stored(entity))
        return str(result.get("etag", ""))

    def update(self, entity: Mapping[str, Any], *, etag: str | None, replace: bool = False) -> str:
        """Merge (or replace) an entity only if nobody changed it since `etag` was read."""
        mode = UpdateMode.REPLACE if replace else UpdateMode.MERGE
        with translated():
            if etag is None:
                result = self._client.update_entity(_stored(entity), mode=mode)
            else:
                result = self._client.update_entity(
                    _stored(entity), mode=mode, etag=etag, match_condition=MatchConditions.IfNotModified
                )
        return str(result.get("etag", ""))

    def upsert(self, entity: Mapping[str, Any]) -> None:
        with translated():
            self._client.upsert_entity(_stored(entity), mode=UpdateMode.MERGE)

    def delete(self, partition: str, row: str, *, etag: str | None = None) -> None:
        """Delete if present (deleting twice is fine); with an ETag, only the version read."""
        with translated():
            if etag is None:
                self._client.delete_entity(partition, row)
            else:
                self._client.delete_entity(
                    partition, row, etag=etag, match_condition=MatchConditions.IfNotModified
                )

    def transact(self, operations: Iterable[Operation]) -> list[str]:
        """Apply operations of one partition atomically, 100 at a time; the new ETags, in order.

        Each chunk is all-or-nothing; callers that need more than 100 operations to be atomic
        must order them so that a crash between chunks leaves a consistent state.
        """
        etags: list[str] = []
        chunk: list[Any] = []
        for operation in operations:
            chunk.append(_batch_step(operation))
            if len(chunk) == MAX_BATCH:
                etags += self._submit(chunk)
                chunk = []
        if chunk:
            etags += self._submit(chunk)
        return etags

    def _submit(self, steps: list[Any]) -> list[str]:
        try:
            with translated():
                results = self._client.submit_transaction(steps)
            return [str(result.get("etag") or "") for result in results]
        except TableTransactionError as error:
            code = str(getattr(error, "error_code", "") or "")
            if "UpdateConditionNotSatisfied" in code or "ConditionNotMet" in code:
                raise ConcurrencyConflict("the record changed while it was being updated") from None
            if "EntityAlreadyExists" in code:
                raise Conflict("that already exists") from None
            if "ResourceNotFound" in code:
                raise NotFound("not found") from None
            raise


def _batch_step(operation: Operation) -> Any:
    entity = _stored(operation.entity)
    if operation.kind == "create":
        return ("create", entity)
    if operation.kind == "upsert":
        return ("upsert", entity, {"mode": UpdateMode.MERGE})
    if operation.kind == "put":
        return ("upsert", entity, {"mode": UpdateMode.REPLACE})
    options: dict[str, Any] = {}
    if operation.etag is not None:
        options = {"etag": operation.etag, "match_condition": MatchConditions.IfNotModified}
    if operation.kind in ("update", "replace"):
        mode = UpdateMode.MERGE if operation.kind == "update" else UpdateMode.REPLACE
        return ("update", entity, {"mode": mode, **options})
    return ("delete", entity, options)


def _plain(entity: Any) -> Entity:
    plain = dict(entity)
    plain["_etag"] = entity.metadata.get("etag")
    return plain


def _stored(entity: Mapping[str, Any]) -> dict[str, Any]:
    """What is written: our bookkeeping keys (leading underscore) never reach storage."""
    return {k: v for k, v in entity.items() if not k.startswith("_")}
