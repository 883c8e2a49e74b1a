from __future__ import annotations

from django.urls import path

from parley.privacy import api

urlpatterns = [
    path("messages/<int:message_id>/reveal/", api.MessageRevealView.as_view()),
    path("contacts/<int:contact_id>/reveal/", api.ContactRevealView.as_view()),
]
