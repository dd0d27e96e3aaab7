"""Who may read /metrics: it shows job counts and LLM spend, so not everybody.

Accepted: ``Authorization: Bearer <AIDISCOVER_METRICS_TOKEN>`` (what Prometheus sends, from a
``credentials_file``), or an operator's or admin's API key or access token. No credentials answer 401,
a viewer 403. With ``AIDISCOVER_AUTH=off`` every request is the local admin and may read it.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from app.api.auth import Authenticator
from core.errors import AuthError, PermissionDenied
from core.settings import AuthSettings

__all__ = ["check_metrics_access"]


def _is_metrics_token(authorization: str, settings: AuthSettings) -> bool:
    if settings.metrics_token is None:
        return False
    scheme, _, given = authorization.strip().partition(" ")
    expected = settings.metrics_token.get_secret_value().encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)


def check_metrics_access(headers: Mapping[str, str], settings: AuthSettings, authenticator: Authenticator) -> None:
    """Return when the request (header names lower-case) may read /metrics; raise AuthError (401) or
    PermissionDenied (403) otherwise. Synchronous: API keys may need a bcrypt check."""
    if _is_metrics_token(headers.get("authorization", ""), settings):
        return
    principal = authenticator.from_headers(headers)
    if principal is None:
        raise AuthError(
            "/metrics needs credentials: Authorization: Bearer <AIDISCOVER_METRICS_TOKEN> (for Prometheus), "
            "or an operator or admin API key (X-API-Key) or access token"
        )
    if not principal.can("operator"):
        raise PermissionDenied(
            f"{principal.name} has role {principal.role}; /metrics needs role operator or above, "
            "or the AIDISCOVER_METRICS_TOKEN"
        )
