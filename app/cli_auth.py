"""`aidiscover users ...`, `aidiscover apikeys ...` and `aidiscover auth ...`.

aidiscover users add NAME --role viewer|operator|admin   (password from --password-stdin or a prompt)
aidiscover users set NAME [--role R] [--password | --password-stdin] [--disable | --enable]
aidiscover users list
aidiscover users remove NAME
aidiscover apikeys create --name NAME --role viewer|operator|admin   (prints the key once)
aidiscover apikeys list
aidiscover apikeys revoke KEY_ID
aidiscover auth rotate-secret      new token signing secret: every token issued before is refused
aidiscover auth migrate-secrets    move users, keys, accounts and targets out of Neo4j (exit 1 if some failed)

Users, keys and the signing secret live in the secret store (``graph.secretstore``); every command here
first moves what older versions left in Neo4j into it (``app.secret_migration``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.api import auth_store
from app.api.auth import USER_CACHE_SECONDS
from app.api.auth_tokens import rotate_jwt_secret
from app.api.permissions import ROLES
from app.secret_migration import migrate_at_startup, migrate_secrets
from core.errors import QueryInputError
from core.settings import Settings
from graph.neo4j.client import Graph


@contextmanager
def _graph(settings: Settings) -> Iterator[Graph]:
    with Graph(settings.neo4j, settings.redis) as graph:
        migrate_at_startup(graph, settings)
        yield graph


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
    with _graph(settings) as graph:
        if args.action == "add":
            password = _read_password(args)
            user = auth_store.create_user(graph, args.name, password, args.role, settings.auth.bcrypt_rounds)
            print(f"created user {user.username} with role {user.role}")
        elif args.action == "set":
            new_password = _read_password(args) if args.password or args.password_stdin else None
            if new_password is None and args.role is None and args.disabled is None:
                raise QueryInputError("nothing to change: give --role, --password(-stdin), --disable or --enable")
            user = auth_store.update_user(
                graph,
                args.name,
                role=args.role,
                password=new_password,
                disabled=args.disabled,
                rounds=settings.auth.bcrypt_rounds,
            )
            state = "disabled" if user.disabled else "active"
            print(
                f"user {user.username}: role {user.role}, {state}; tokens issued before are refused by running "
                f"servers within {USER_CACHE_SECONDS:.0f} s"
            )
        elif args.action == "remove":
            auth_store.remove_user(graph, args.name)
            print(f"removed user {args.name}; running servers refuse their tokens within {USER_CACHE_SECONDS:.0f} s")
        else:
            for u in auth_store.list_users(graph):
                state = "disabled" if u.disabled else "active"
                print(f"{u.username:24} {u.role:9} {state:9} created {_when(u.created_at)}")
    return 0


def _apikeys(settings: Settings, args: argparse.Namespace) -> int:
    with _graph(settings) as graph:
        if args.action == "create":
            created = auth_store.create_api_key(graph, args.name, args.role, "cli", settings.auth.bcrypt_rounds)
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
                f"{USER_CACHE_SECONDS:.0f} s"
            )
        else:
            for k in auth_store.list_api_keys(graph):
                state = "revoked" if k.revoked else "active"
                print(
                    f"{k.key_id}  {k.name:20} {k.role:9} {state:8} created {_when(k.created_at)} "
                    f"by {k.created_by or '-'}; last used {_when(k.last_used_at)}"
                )
    return 0


def _auth(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "rotate-secret":
        rotate_jwt_secret(settings)
        print(
            "new token signing secret stored; every access and refresh token issued before is refused by running "
            f"servers within {USER_CACHE_SECONDS:.0f} s: users sign in again (API keys are not affected)"
        )
        return 0
    with Graph(settings.neo4j, settings.redis) as graph:
        summary = migrate_secrets(graph, settings)
    for line in summary.lines():
        print(line)
    if summary.failed:
        print(
            f"{summary.failed} record(s) were left in place: the log names them; fix or delete them and run again",
            file=sys.stderr,
        )
        return 1
    print("secrets are out of the graph" if summary.changed else "nothing to move: secrets are out of the graph")
    return 0


def register(sub: Any) -> None:
    """Add the `users` and `apikeys` subcommands to the CLI's subparsers."""
    p = sub.add_parser("users", help="add, list or remove API users (they sign in with the login mutation)")
    users = p.add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    change = users.add_parser("set", help="change a user's role, password or state (voids the user's tokens)")
    change.add_argument("name")
    change.add_argument("--role", choices=ROLES)
    secret = change.add_mutually_exclusive_group()
    secret.add_argument("--password", action="store_true", help="prompt for a new password")
    secret.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    state = change.add_mutually_exclusive_group()
    state.add_argument("--disable", dest="disabled", action="store_true", default=None, help="refuse sign-ins")
    state.add_argument("--enable", dest="disabled", action="store_false", help="allow sign-ins again")
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

    p = sub.add_parser("auth", help="rotate the token signing secret, or move secrets out of the graph")
    auth = p.add_subparsers(dest="action", required=True)
    auth.add_parser("rotate-secret", help="new token signing secret: every token issued before is refused")
    auth.add_parser("migrate-secrets", help="move users, API keys, accounts and targets from Neo4j to the store")
    p.set_defaults(handler=_auth)
