"""The Function App: one Blueprint per area, registered here and nothing else (no I/O at import)."""

import azure.functions as func

from functions import (
    audit,
    auth,
    children,
    exports,
    health,
    journal,
    leaving,
    mail,
    observations,
    people,
    photos,
    platform,
    retention,
    setting,
    web,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for area in (health, platform, auth, mail, retention):
    app.register_functions(area.bp)

# People and permissions, run by managers (issue 4 part A).
for area in (people, children, setting, audit):
    app.register_functions(area.bp)

# Observations, comments, each child's journal and moments from home (issue 4 part B).
for area in (observations, journal):
    app.register_functions(area.bp)

# Photos on observations: re-encoded on upload, served through short signed links (issue 4 part C).
app.register_functions(photos.bp)

# Leaving: archive, restore and legal holds (issue 5); the purge itself runs in `retention`.
app.register_functions(leaving.bp)

# Journal exports: requested over HTTP, built by a queue-triggered function (issue 5).
app.register_functions(exports.bp)

# Last: the web client's catch-all GET {*path} must not shadow any API route.
app.register_functions(web.bp)
