from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from harborline.people.errors import TokenRejected
from harborline.people.models import User
from harborline.people.services import authenticate_token


class BearerToken(HttpBearer):
    """API tokens (`harborline token create`), sent as `Authorization: Bearer hl_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = authenticate_token(token)  # raises TokenRejected -> 401 problem+json
        request.user = user
        return user

    def __call__(self, request: HttpRequest) -> User | None:
        result = super().__call__(request)
        if result is None:  # no or malformed Authorization header
            raise TokenRejected("Send an API token as `Authorization: Bearer <token>`.")
        return result
