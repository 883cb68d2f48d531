"""The guidance framework of the caller's setting, for staff recording observations and profiles."""

from __future__ import annotations

from shared.domain.access import require_staff
from shared.domain.frameworks import Framework, clean_framework, framework
from shared.domain.people import Principal
from shared.services import membership
from shared.services.deps import Deps


def setting_framework(deps: Deps, principal: Principal) -> Framework:
    """The framework the setting chose, with its aspects; staff only (parents see no judgements)."""
    require_staff(principal)
    return framework(clean_framework(membership.setting_of(deps, principal).framework))
