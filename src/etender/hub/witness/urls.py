from django.urls import path

from . import views

urlpatterns = [
    path("witness/", views.index, name="witness"),
]
