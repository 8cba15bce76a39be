"""Page routes for code-book records and submissions to the statistical center (issue 16;
names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import codebook, linkage, submissions

urlpatterns: list[URLPattern] = [
    path("cases/<int:case_id>/code-book/", codebook.case_page, name="case_code_book"),
    path("reports/code-book.csv", codebook.organization_csv, name="code_book_csv"),
    path("reports/submissions/", submissions.index, name="submissions"),
    path("reports/submissions/<int:submission_id>/", submissions.detail, name="submission"),
    path("reports/submissions/<int:submission_id>/file", submissions.file, name="submission_file"),
    path(
        "reports/submissions/<int:submission_id>/decide",
        submissions.decide,
        name="submission_decide",
    ),
    path("reports/statistical-center/", submissions.center_report, name="center_report"),
    # The same youth across agencies (issue 17): the center's linkage and review queue, and the
    # agencies' answers to its questions.
    path("reports/linkage/", linkage.center, name="linkage"),
    path("reports/linkage/pairs/<int:pair_id>/", linkage.pair, name="linkage_pair"),
    path("reports/linkage/questions/", linkage.requests, name="linkage_requests"),
    path(
        "reports/linkage/questions/<int:request_id>/",
        linkage.request_page,
        name="linkage_request",
    ),
]
