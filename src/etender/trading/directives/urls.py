from django.urls import path

from . import views

app_name = "directives"

urlpatterns = [
    path("directives/", views.instruction_list, name="list"),
    path("directives/<int:pk>/", views.instruction_detail, name="detail"),
]
