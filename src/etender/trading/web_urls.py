"""Web pages of the trading platform."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .accounts import views as accounts
from .bids import views as bids
from .tenders import views as tenders

urlpatterns = [
    path("", tenders.home, name="home"),
    path("login/", auth_views.LoginView.as_view(extra_context={"base_template": "trading/base.html"}), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", accounts.register, name="register"),
    path("entity/", accounts.entity, name="entity"),
    path("manage/", tenders.manage, name="manage"),
    path("messages/", tenders.notifications, name="notifications"),
    path("projects/new/", tenders.project_new, name="project_new"),
    path("projects/<int:project_id>/tenders/new/", tenders.tender_new, name="tender_new"),
    path("tenders/<int:pk>/", tenders.tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/documents/", tenders.document_upload, name="document_upload"),
    path("tenders/<int:pk>/documents/<int:doc_id>/", tenders.document_download, name="document_download"),
    path("tenders/<int:pk>/downloaders/", tenders.downloaders, name="downloaders"),
    path("tenders/<int:pk>/schedule/", tenders.tender_schedule, name="tender_schedule"),
    path("tenders/<int:pk>/publish/", tenders.tender_publish, name="tender_publish"),
    path("tenders/<int:pk>/custodians/", tenders.tender_custodians, name="tender_custodians"),
    path("tenders/<int:pk>/clarifications/", tenders.clarification_publish, name="clarification_publish"),
    path("tenders/<int:pk>/objections/", tenders.objection_raise, name="objection_raise"),
    path("tenders/<int:pk>/objections/<int:objection_id>/answer/", tenders.objection_answer, name="objection_answer"),
    path("tenders/<int:pk>/lots/<int:lot_id>/retender/", tenders.lot_retender, name="lot_retender"),
    path("lots/<int:lot_id>/bid/", bids.bid_lot, name="bid_lot"),
    path("lots/<int:lot_id>/opening/", bids.opening, name="opening"),
    path("lots/<int:lot_id>/opening/live/", bids.opening_live, name="opening_live"),
    path("lots/<int:lot_id>/record/", bids.opening_record, name="opening_record"),
    path("bids/<int:bid_id>/withdraw/", bids.bid_withdraw, name="bid_withdraw"),
    path("bids/", bids.my_bids, name="my_bids"),
    path("custodian/", bids.custodian_list, name="custodian_list"),
    path("custodian/<int:custodian_id>/", bids.custodian_detail, name="custodian_detail"),
]
