import pytest

pytestmark = pytest.mark.django_db


def test_not_found_uses_the_error_page(as_user):
    client, _ = as_user("caseworker")
    response = client.get("/no/such/page")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Not found | Harborline</title>" in html
    assert "<h1>Not found</h1>" in html and 'lang="en"' in html


def test_server_error_page_renders(rf):
    from django.contrib.auth.models import AnonymousUser

    from harborline.web import views_errors

    request = rf.get("/boom")
    request.user = AnonymousUser()
    response = views_errors.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
