"""How long a signed read link to a photo or an export lives (S28): long enough to load a page or
start a download, short enough that a copied link is soon useless."""

from __future__ import annotations

from datetime import timedelta

SIGNED_LINK_LIFETIME = timedelta(minutes=10)
