from django.urls import path

from . import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.dashboard, name="dashboard"),
    path("monitor/data.json", views.dashboard_data, name="dashboard_data"),
    path("monitor/alerts/recent/", views.dashboard_alerts, name="dashboard_alerts"),
    path("monitor/tenders/", views.tender_list, name="tenders"),
    path("monitor/tenders/<str:code>/", views.tender_detail, name="tender"),
    path("monitor/alerts/", views.alert_list, name="alerts"),
    path("monitor/alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("monitor/access-log/", views.access_log, name="access_log"),
]
