from django.urls import path

from . import views

urlpatterns = [
    path("sso/login/", views.login, name="sso_login"),
    path("sso/callback/", views.callback, name="sso_callback"),
    path("sso/logout/", views.logout, name="sso_logout"),
]
