"""`aidiscover users add|list|remove` and `aidiscover apikeys create|list|revoke`.

aidiscover users add NAME --role viewer|operator|admin   (password from --password-stdin or a prompt)
aidiscover users list
aidiscover users remove NAME
aidiscover apikeys create --name NAME --role viewer|operator|admin   (prints the key once)
aidiscover apikeys list
aidiscover apikeys revoke KEY_ID
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.api import auth_store
from app.api.auth import KEY_CACHE_SECONDS
from app.api.permissions import ROLES
from app.errors import QueryInputError
from app.settings import Settings
from graph.neo4j.client import Graph


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else "-"


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise QueryInputError("the two passwords differ; run the command again")
    return first


def _users(settings: Settings, args: argparse.Namespace) -> int:
    with Graph(settings) as graph:
        if args.action == "add":
            password = _read_password(args)
            user = auth_store.create_user(graph, args.name, password, args.role, settings.bcrypt_rounds)
            print(f"created user {user.username} with role {user.role}")
        elif args.action == "remove":
            auth_store.remove_user(graph, args.name)
            print(f"removed user {args.name}")
        else:
            for u in auth_store.list_users(graph):
                state = "disabled" if u.disabled else "active"
                print(f"{u.username:24} {u.role:9} {state:9} created {_when(u.created_at)}")
    return 0


def _apikeys(settings: Settings, args: argparse.Namespace) -> int:
    with Graph(settings) as graph:
        if args.action == "create":
            created = auth_store.create_api_key(graph, args.name, args.role, "cli", settings.bcrypt_rounds)
            print(created.key)
            print(
                f"API key {created.record.key_id} ({created.record.name}, role {created.record.role}); "
                "shown only now: send it as the X-API-Key header",
                file=sys.stderr,
            )
        elif args.action == "revoke":
            record = auth_store.revoke_api_key(graph, args.key_id)
            print(
                f"revoked API key {record.key_id} ({record.name}); running servers refuse it within "
                f"{KEY_CACHE_SECONDS:.0f} s"
            )
        else:
            for k in auth_store.list_api_keys(graph):
                state = "revoked" if k.revoked else "active"
                print(
                    f"{k.key_id}  {k.name:20} {k.role:9} {state:8} created {_when(k.created_at)} "
                    f"by {k.created_by or '-'}; last used {_when(k.last_used_at)}"
                )
    return 0


def register(sub: Any) -> None:
    """Add the `users` and `apikeys` subcommands to the CLI's subparsers."""
    p = sub.add_parser("users", help="add, list or remove API users (they sign in with the login mutation)")
    users = p.add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users.add_parser("list", help="list users")
    rm = users.add_parser("remove", help="delete a user")
    rm.add_argument("name")
    p.set_defaults(handler=_users)

    p = sub.add_parser("apikeys", help="create, list or revoke API keys")
    keys = p.add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="create a key and print it (only this once)")
    create.add_argument("--name", required=True, help="what the key is for")
    create.add_argument("--role", choices=ROLES, default="viewer")
    keys.add_parser("list", help="list keys (never their secrets)")
    revoke = keys.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    p.set_defaults(handler=_apikeys)
