from django.urls import path

from . import views

urlpatterns = [
    path("lots/<int:lot_id>/committee/", views.committee_page, name="evaluation_committee"),
    path("evaluation/", views.my_evaluations, name="evaluation_mine"),
    path("evaluation/clarifications/", views.clarifications, name="evaluation_clarifications"),
    path("evaluation/<int:committee_id>/room/", views.room, name="evaluation_room"),
    path("evaluation/<int:committee_id>/bids/<int:bid_id>/files/", views.bid_files, name="evaluation_bid_files"),
    path("evaluation/<int:committee_id>/report/", views.report_page, name="evaluation_report"),
    path("evaluation/<int:committee_id>/report.pdf", views.report_pdf, name="evaluation_report_pdf"),
]
