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
    passkeys,
    people,
    photos,
    platform,
    retention,
    setting,
    web,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# Sign-in, platform and timers; people and permissions; the journal; photos; leaving; exports.
for area in (health, platform, auth, mail, retention, people, children, setting, audit, observations, journal,
             photos, leaving, exports, passkeys):  # fmt: skip
    app.register_functions(area.bp)

# Last: the web client's catch-all GET {*path} must not shadow any API route.
app.register_functions(web.bp)
