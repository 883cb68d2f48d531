"""The Function App: one Blueprint per area, registered here and nothing else (no I/O at import)."""

import azure.functions as func

from functions import auth, health, mail, platform

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for area in (health, platform, auth, mail):
    app.register_functions(area.bp)
