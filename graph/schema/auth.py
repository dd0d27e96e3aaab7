"""Who may use the API: users (sign in with a password, get tokens) and API keys (for scripts).

Neither is a cloud resource, and neither has relationships: nothing in the graph API leads to them.
Secrets are stored only as bcrypt hashes; the API never returns a hash.
"""

from __future__ import annotations

from graph.schema.model import NodeKind, Property, RelType

P = Property

USER = NodeKind(
    label="User",
    provider="any",
    service="auth",
    description="A person who signs in to the API with a username and password (login mutation).",
    resource=False,
    properties=(
        P("id", "string", "The username (unique).", indexed=True),
        P("username", "string", "The name used to sign in."),
        P("role", "string", "viewer, operator or admin."),
        P("password_hash", "string", "bcrypt hash of the password; never returned by the API.", secret=True),
        P("created_at", "datetime", "When the user was created."),
        P("disabled", "bool", "A disabled user cannot sign in or refresh tokens."),
    ),
)

API_KEY = NodeKind(
    label="ApiKey",
    provider="any",
    service="auth",
    description="A key for scripts and tools, sent as `X-API-Key: aid_<key_id>_<secret>`; shown once at creation.",
    resource=False,
    properties=(
        P("id", "string", "The key id (the part after `aid_`, unique).", indexed=True),
        P("key_id", "string", "The key id, public: lists and logs name keys by it."),
        P("name", "string", "What the key is for, given at creation."),
        P("role", "string", "viewer, operator or admin."),
        P("hash", "string", "bcrypt hash of the secret part; never returned by the API.", secret=True),
        P("created_at", "datetime", "When the key was created."),
        P("created_by", "string", "Who created it: a username, an API key name, or `cli`."),
        P("last_used_at", "datetime", "When the key last authenticated a request (updated at most once a minute)."),
        P("revoked", "bool", "A revoked key is refused."),
    ),
)

NODES: tuple[NodeKind, ...] = (USER, API_KEY)
RELATIONSHIPS: tuple[RelType, ...] = ()
