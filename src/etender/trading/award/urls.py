from django.urls import path

from . import views

app_name = "award"

urlpatterns = [
    path("lots/<int:lot_id>/award/", views.stage, name="stage"),
    path("lots/<int:lot_id>/award/publicity/", views.publicity_publish, name="publicity_publish"),
    path("lots/<int:lot_id>/award/decide/", views.award_decide, name="decide"),
    path("publicities/<int:publicity_id>/", views.publicity, name="publicity"),
    path("publicities/<int:publicity_id>/objections/", views.objection_raise, name="objection_raise"),
    path("award-objections/<int:objection_id>/answer/", views.objection_answer, name="objection_answer"),
    path("awards/<int:award_id>/notices/", views.award_notify, name="notify"),
    path("awards/<int:award_id>/contract/", views.contract_create, name="contract_create"),
    path("awards/<int:award_id>/report/", views.report_submit, name="report_submit"),
    path("awards/<int:award_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("notices/<int:notice_id>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("contracts/<int:contract_id>/sign/", views.contract_sign, name="contract_sign"),
    path("contracts/<int:contract_id>/pdf/", views.contract_pdf, name="contract_pdf"),
    path("refunds/<int:refund_id>/", views.refund_record, name="refund_record"),
    path("tenders/<int:tender_id>/archive/", views.archive, name="archive"),
    path("archive/<int:item_id>/", views.archive_download, name="archive_download"),
]
