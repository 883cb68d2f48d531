"""The nightly retention purge at 02:00 UTC; run it now with POST /admin/functions/purge_retention."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import azure.functions as func

from functions.on_first_use import OnFirstUse

if TYPE_CHECKING:
    from shared import bootstrap
    from shared.services import retention
else:
    bootstrap = OnFirstUse("shared.bootstrap")
    retention = OnFirstUse("shared.services.retention")


bp = func.Blueprint()
log = logging.getLogger("journal")

# host.json's functionTimeout is 10 minutes; stop well before it so a run ends cleanly and the
# next one carries on where this one stopped.
RUN_BUDGET_SECONDS = 8 * 60


# 02:00 UTC, all year round. Flex Consumption runs every timer in UTC and ignores TZ and
# WEBSITE_TIME_ZONE, so in the UK the purge starts at 02:00 in winter and 03:00 in summer.
@bp.timer_trigger(arg_name="timer", schedule="0 0 2 * * *", use_monitor=True)
def purge_retention(timer: func.TimerRequest) -> None:
    reports = retention.purge(
        bootstrap.deps(), bootstrap.retention_store(bootstrap.storage()), retention.Budget(RUN_BUDGET_SECONDS)
    )
    unfinished = sum(not r.finished for r in reports)
    log.info("retention purge: %d settings, %d to finish next run", len(reports), unfinished)


# A message the host gave up on holds no link or secret (S39), but nothing useful either: a mail
# a day late, a reset nobody waits for. 03:30 UTC, after the purge.
POISON_MAX_AGE = timedelta(days=1)


@bp.timer_trigger(arg_name="timer", schedule="0 30 3 * * *", use_monitor=True)
def sweep_poison_queues(timer: func.TimerRequest) -> None:
    removed = bootstrap.sweep_poison_queues(POISON_MAX_AGE)
    log.info("poison queues: %d messages older than a day removed", removed)
