"""Operator commands: `python -m shared.cli create-setting ...`.

Runs with the same settings as the app (in Azure: storage endpoints and the operator's Azure CLI
sign-in, since no managed identity is set on a laptop,
plus the JWT key ring that signs the manager's activation link). The admin route
POST /api/platform/settings does the same with the host's master key and needs no local secrets.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from shared import bootstrap
from shared.domain.errors import JournalError
from shared.services.platform import create_setting


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-setting", help="create a setting and invite its first manager")
    create.add_argument("--name", required=True, help="the setting's name, e.g. 'Sunflower Nursery'")
    create.add_argument("--slug", required=True, help="short name used at sign-in, e.g. sunflower")
    create.add_argument("--retention-days", type=int, required=True, help="days to keep archived children")
    create.add_argument("--manager-name", required=True)
    create.add_argument("--manager-email", required=True)
    create.add_argument("--email-domain", default=None)
    args = parser.parse_args(argv)

    try:
        created = create_setting(
            bootstrap.deps(),
            name=args.name,
            slug=args.slug,
            email_domain=args.email_domain,
            retention_days=args.retention_days,
            manager_name=args.manager_name,
            manager_email=args.manager_email,
        )
    except JournalError as error:
        where = f" (--{error.field.replace('_', '-')})" if error.field else ""
        print(f"error{where}: {error.message}", file=sys.stderr)
        return 2
    print(json.dumps({"setting": created.setting.setting_id, "manager": created.manager.user_id}))
    print("The manager's activation e-mail is queued.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
