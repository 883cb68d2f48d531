"""The Function App: one Blueprint per area, registered here and nothing else (no I/O at import)."""

import azure.functions as func

from functions import (
    assessments,
    audit,
    auth,
    child_details,
    children,
    cohort,
    exports,
    factors,
    health,
    journal,
    leaving,
    mail,
    notifications,
    observations,
    passkeys,
    people,
    photos,
    platform,
    profile,
    retention,
    rooms,
    setting,
    two_year_check,
    web,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# Sign-in, platform and timers; people and permissions; the journal; photos; leaving; exports.
for area in (health, platform, auth, mail, retention, people, children, setting, audit, observations, journal,
             photos, leaving, exports, passkeys):  # fmt: skip
    app.register_functions(area.bp)
app.register_functions(profile.bp)  # the guidance framework and EYFS profiles
app.register_functions(two_year_check.bp)  # the progress check at age two and its tracker
app.register_functions(assessments.bp)  # assessment points and each child's judgements at them
app.register_functions(cohort.bp)  # the managers' cohort report of a point

# Rooms and the tracker's details about children.
for area in (rooms, child_details):
    app.register_functions(area.bp)
app.register_functions(notifications.bp)

app.register_functions(factors.bp)  # strong sign-in: code and enrolment steps, step-up, own factors

# Last: the web client's catch-all GET {*path} must not shadow any API route.
app.register_functions(web.bp)
