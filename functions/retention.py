"""The nightly retention purge at 02:00 UTC; run it now with POST /admin/functions/purge_retention."""

from __future__ import annotations

import logging

import azure.functions as func

from shared import bootstrap
from shared.services.retention import Budget, purge

bp = func.Blueprint()
log = logging.getLogger("journal")

# host.json's functionTimeout is 10 minutes; stop well before it so a run ends cleanly and the
# next one carries on where this one stopped.
RUN_BUDGET_SECONDS = 8 * 60


# 02:00 UTC, all year round. Flex Consumption runs every timer in UTC and ignores TZ and
# WEBSITE_TIME_ZONE, so in the UK the purge starts at 02:00 in winter and 03:00 in summer.
@bp.timer_trigger(arg_name="timer", schedule="0 0 2 * * *", use_monitor=True)
def purge_retention(timer: func.TimerRequest) -> None:
    reports = purge(
        bootstrap.deps(), bootstrap.retention_store(bootstrap.storage()), Budget(RUN_BUDGET_SECONDS)
    )
    unfinished = sum(not r.finished for r in reports)
    log.info("retention purge: %d settings, %d to finish next run", len(reports), unfinished)
