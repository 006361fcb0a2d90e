from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/<slug:number>/", views.complaint_detail, name="detail"),
    path("complaints/<slug:number>/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("complaints/<slug:number>/<slug:action>/", views.complaint_action, name="action"),
]
