from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("departments/<slug:code>/", views.department_detail, name="department"),
    path("departments/<slug:code>/sections/<slug:kind>/", views.section_detail, name="section"),
    path("departments/<slug:code>/sections/<slug:kind>/edit/", views.section_edit, name="section_edit"),
]
