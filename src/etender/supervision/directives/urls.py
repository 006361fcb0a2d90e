from django.urls import path

from . import views

app_name = "directives"

urlpatterns = [
    path("directives/", views.directive_list, name="list"),
    path("directives/new/", views.directive_new, name="new"),
    path("directives/<str:instruction_id>/", views.directive_detail, name="detail"),
    path("directives/<str:instruction_id>/files/<int:file_id>/", views.report_file, name="file"),
]
