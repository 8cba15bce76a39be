"""The read-only Open Referral HSDS 3.0 API at /api/v1/hsds/ (issue 14): the service directory
for signed-in users (an API token or a browser session) and for systems holding a directory token
(`harborline directory token create`). Paginated as HSDS specifies (`total_items`,
`total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`, `contents`). It holds
no youth data and never a confidential site's address (directory.publish)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import HttpBearer, django_auth
from pydantic import Field

from harborline.directory import publish
from harborline.directory.services import token_is_valid
from harborline.people.errors import TokenRejected
from harborline.people.services import authenticate_token

from .schemas import ERRORS, MAX_ID


class DirectoryBearer(HttpBearer):
    """A directory token (hld_…) or a user's API token (hl_…)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if token_is_valid(token):
            return "directory"
        try:
            return authenticate_token(token)
        except TokenRejected:
            return None


router = Router(tags=["directory (HSDS 3.0)"], auth=[DirectoryBearer(), django_auth])


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_ID)
    per_page: int = Field(50, ge=1, le=publish.MAX_PER_PAGE)


class ServiceFilters(Paging):
    search: str = ""
    taxonomy_term_id: str = ""
    organization_id: str = ""
    full: bool = False


@router.get("/", response={200: dict[str, str], **ERRORS}, summary="About this HSDS API")
def about(request: HttpRequest) -> dict[str, str]:
    return publish.about()


@router.get("/services", response={200: dict[str, Any], **ERRORS}, summary="Services (HSDS page)")
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict[str, Any]:
    return publish.services(**filters.dict())


@router.get(
    "/services/{service_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="One service, fully nested",
)
def service(request: HttpRequest, service_id: str) -> dict[str, Any]:
    return publish.service(service_id)


@router.get(
    "/organizations", response={200: dict[str, Any], **ERRORS}, summary="Organizations (HSDS page)"
)
def organizations(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return publish.organizations(**paging.dict())


@router.get(
    "/organizations/{organization_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="One organization",
)
def organization(request: HttpRequest, organization_id: str) -> dict[str, Any]:
    return publish.organization(organization_id)


@router.get(
    "/service_at_locations",
    response={200: dict[str, Any], **ERRORS},
    summary="Services at locations (HSDS page)",
)
def service_at_locations(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return publish.service_at_locations(**paging.dict())


@router.get(
    "/service_at_locations/{sal_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="One service at a location",
)
def service_at_location(request: HttpRequest, sal_id: str) -> dict[str, Any]:
    return publish.service_at_location(sal_id)


@router.get(
    "/taxonomies", response={200: dict[str, Any], **ERRORS}, summary="Taxonomies (HSDS page)"
)
def taxonomies(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return publish.taxonomies(**paging.dict())


@router.get(
    "/taxonomies/{taxonomy_id}", response={200: dict[str, Any], **ERRORS}, summary="One taxonomy"
)
def taxonomy(request: HttpRequest, taxonomy_id: str) -> dict[str, Any]:
    return publish.taxonomy(taxonomy_id)


@router.get(
    "/taxonomy_terms",
    response={200: dict[str, Any], **ERRORS},
    summary="Taxonomy terms (HSDS page)",
)
def taxonomy_terms(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    return publish.taxonomy_terms(**paging.dict())


@router.get(
    "/taxonomy_terms/{term_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="One taxonomy term",
)
def taxonomy_term(request: HttpRequest, term_id: str) -> dict[str, Any]:
    return publish.taxonomy_term(term_id)
