from harborline.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "TokenRejected",
]


class TokenRejected(DomainError):
    status = 401
    title = "Authentication required"

    def __init__(
        self, detail: str = "The API token is missing, wrong, expired or revoked."
    ) -> None:
        super().__init__(detail)
