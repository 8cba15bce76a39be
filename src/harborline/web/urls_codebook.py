"""Page routes for code-book records and submissions to the statistical center (issue 16;
names in the `web:` namespace)."""

from django.urls import URLPattern, path

from .views import codebook, submissions

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
]
