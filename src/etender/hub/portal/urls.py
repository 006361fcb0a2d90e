from django.urls import path

from . import views
from .disclosure import DEFAULT_SCOPE

#: Lists by type: /announcements/, /clarifications/, /openings/, /publicity/, /results/, /contracts/, /tenders/.
LIST_PATHS = {
    "tender": "tenders",
    "announcement": "announcements",
    "clarification": "clarifications",
    "opening": "openings",
    "publicity": "publicity",
    "result": "results",
    "contract": "contracts",
    "complaint": "complaints",
}
assert set(LIST_PATHS) == set(DEFAULT_SCOPE)

urlpatterns = [
    path("search/", views.search, name="portal-search"),
    path("records/<int:pk>/", views.record, name="portal-record"),
    path("platforms/", views.platforms, name="portal-platforms"),
    path("supervision-departments/", views.supervision_departments, name="portal-supervision"),
    path("supervision-departments/<str:platform>/<slug:code>/", views.supervision_department, name="portal-supervision-department"),
    *(path(f"{p}/", views.search, {"kind": kind}, name=f"portal-list-{kind}") for kind, p in LIST_PATHS.items()),
]
