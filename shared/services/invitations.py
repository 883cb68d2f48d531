"""Inviting people: an account waits, without any password, until its owner activates it."""

from __future__ import annotations

import secrets

from shared.domain.display_names import clean_name
from shared.domain.people import Account, LinkKind, Role, Status, normalise_email
from shared.domain.settings import Setting
from shared.services.deps import Deps
from shared.services.links import arm_link


def new_user_id() -> str:
    return "u" + secrets.token_hex(10)


def invite(deps: Deps, setting: Setting, *, email: object, name: object, role: Role, actor: str) -> Account:
    """Create an invited account and queue its activation mail (72-hour link, S13)."""
    account = Account(
        setting_id=setting.setting_id,
        user_id=new_user_id(),
        email=normalise_email(email),
        name=clean_name(name),
        role=role,
        status=Status.INVITED,
        created_at=deps.clock.now(),
    )
    instruction = arm_link(account, LinkKind.ACTIVATION)
    deps.accounts.add(account)
    deps.link_mails.submit(instruction)  # the worker mints the link as it sends (S39)
    deps.audit(setting.setting_id, actor, "account.invite", account.user_id, "success")
    return account
