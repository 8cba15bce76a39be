"""Bearer-token authentication for the API. Every refusal — no `Authorization` header, another
scheme, a malformed, wrong, expired or revoked token, a disabled user — is the same 401 answer
(docs/api.md), so a caller learns nothing about which tokens exist."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from harborline.people.errors import TokenRejected
from harborline.people.models import User
from harborline.people.services import authenticate_token

# The one detail of every 401, whatever was wrong.
REJECTED = (
    "The API token is missing, malformed, wrong, expired or revoked: send a valid one as "
    "`Authorization: Bearer <token>`."
)


class BearerToken(HttpBearer):
    """API tokens (`harborline token create`), sent as `Authorization: Bearer hl_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            user = authenticate_token(token)
        except TokenRejected:
            raise TokenRejected(REJECTED) from None  # -> 401 problem+json
        request.user = user
        return user

    def __call__(self, request: HttpRequest) -> User | None:
        result = super().__call__(request)
        if result is None:  # no or malformed Authorization header
            raise TokenRejected(REJECTED)
        return result


def caller(request: HttpRequest) -> User:
    """The user the request's token belongs to. Every endpoint of the API runs behind
    `BearerToken`, which sets `request.auth` (django-ninja's attribute, not declared on Django's
    HttpRequest) before the endpoint is called."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TokenRejected(REJECTED)
    return user
