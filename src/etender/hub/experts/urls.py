from django.urls import path

from . import views

urlpatterns = [
    path("experts/", views.pool, name="experts_pool"),
    path("experts/new/", views.expert_edit, name="experts_new"),
    path("experts/import/", views.import_page, name="experts_import"),
    path("experts/draws/", views.draws, name="experts_draws"),
    path("experts/draws/<str:draw_id>/", views.draw_admin, name="experts_draw"),
    path("experts/draws/<str:draw_id>/proof/", views.proof_page, name="experts_proof"),
    path("experts/me/", views.invitations, name="experts_invitations"),
    path("experts/me/<int:pk>/respond/", views.respond, name="experts_respond"),
    path("experts/pool/<str:ref>/", views.expert_detail, name="experts_detail"),
    path("experts/pool/<str:ref>/edit/", views.expert_edit, name="experts_edit"),
    path("experts/pool/<str:ref>/<str:kind>/<int:pk>/remove/", views.expert_remove, name="experts_remove"),
]
