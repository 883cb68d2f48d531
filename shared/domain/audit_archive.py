"""Does the immutable archive agree with the audit table? (S41) Pure: no I/O.

The table's chain alone cannot catch someone with write access who recomputes every later hash
and the head, or who deletes a whole month with its head. The archive can: its copy of each entry
was written when the entry was, and cannot be changed afterwards. So, from the retention cut-off on
(older entries are the purge's to remove), the table agrees with the archive when, entry by entry
(a month's sequence number names an entry):

- every chained entry in the table is in the archive, field for field and with the same hash
  (an entry the archive lacks was not written through the app; one that differs was rewritten);
- every archived entry is still in the table (the purge removes only entries older than the
  cut-off; anything younger that is gone was deleted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.audit_chain import ChainLink, month_of


@dataclass(frozen=True, repr=False)
class ArchiveReport:
    agrees: bool
    archived: int  # archived entries compared (from the cut-off on)
    unarchived: int = 0  # in the table, not in the archive
    rewritten: int = 0  # in both, differing in a field or the hash
    deleted: int = 0  # archived, younger than the cut-off, gone from the table
    first_disagreeing: int | None = None  # the sequence number of the oldest disagreement
    first_disagreeing_at: datetime | None = None


def compare_archive(
    table: Sequence[ChainLink], archive: Sequence[ChainLink], cutoff: datetime
) -> ArchiveReport:
    """Compare the table's chained entries with the archive's, ignoring what retention removed."""
    stored = {(month_of(link.at), link.seq): link for link in table if link.at >= cutoff}
    kept = {(month_of(link.at), link.seq): link for link in archive if link.at >= cutoff}
    copies = {(month_of(link.at), link.seq): link for link in archive}
    unarchived = [link for key, link in stored.items() if key not in copies]
    rewritten = [link for key, link in stored.items() if key in copies and copies[key] != link]
    deleted = [link for key, link in kept.items() if key not in stored]
    wrong = sorted((*unarchived, *rewritten, *deleted), key=lambda link: (link.at, link.seq))
    return ArchiveReport(
        agrees=not wrong,
        archived=len(kept),
        unarchived=len(unarchived),
        rewritten=len(rewritten),
        deleted=len(deleted),
        first_disagreeing=wrong[0].seq if wrong else None,
        first_disagreeing_at=wrong[0].at if wrong else None,
    )
