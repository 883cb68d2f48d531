"""The platform operator's use cases: creating a setting and its first manager."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.display_names import clean_name
from shared.domain.people import Account, Role, normalise_email
from shared.domain.settings import Setting, clean_email_domain, clean_retention_days, clean_slug
from shared.services.deps import Deps
from shared.services.invitations import invite


@dataclass(frozen=True, repr=False)
class NewSetting:
    setting: Setting
    manager: Account


def create_setting(
    deps: Deps,
    *,
    name: str | None,
    slug: str | None,
    email_domain: str | None,
    retention_days: int | None,
    manager_name: str | None,
    manager_email: str | None,
) -> NewSetting:
    """Create a setting and invite its first manager; the activation mail goes through the queue."""
    setting = Setting(
        setting_id=clean_slug(slug),
        name=clean_name(name, field_name="name"),
        email_domain=clean_email_domain(email_domain),
        retention_days=clean_retention_days(retention_days),
        created_at=deps.clock.now(),
    )
    # Check the manager's details before anything is written, so bad input leaves nothing behind.
    email = normalise_email(manager_email, field_name="manager_email")
    person = clean_name(manager_name, field_name="manager_name")
    deps.settings.add(setting)
    try:
        manager = invite(deps, setting, email=email, name=person, role=Role.MANAGER, actor="platform")
    except BaseException:
        # A setting without its manager could never be used, and its name would stay taken.
        deps.settings.remove(setting.setting_id)
        raise
    deps.audit(setting.setting_id, "platform", "setting.create", setting.setting_id, "success")
    return NewSetting(setting, manager)
