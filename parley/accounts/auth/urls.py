"""`/api/v1/auth/…`: login, logout, the caller's profile and their account security."""

from __future__ import annotations

from django.urls import path

from parley.accounts.auth import api

urlpatterns = [
    path("csrf", api.CsrfView.as_view()),
    path("login", api.LoginView.as_view()),
    path("login/code", api.LoginCodeView.as_view()),
    path("logout", api.LogoutView.as_view()),
    path("me", api.MeView.as_view()),
    path("password", api.PasswordChangeView.as_view()),
    path("password-reset", api.PasswordResetRequestView.as_view()),
    path("password-reset/check", api.PasswordResetCheckView.as_view()),
    path("password-reset/confirm", api.PasswordResetConfirmView.as_view()),
    path("two-factor", api.TwoFactorView.as_view()),
    path("two-factor/setup", api.TwoFactorSetupView.as_view()),
    path("two-factor/confirm", api.TwoFactorConfirmView.as_view()),
    path("two-factor/disable", api.TwoFactorDisableView.as_view()),
    path("two-factor/recovery-codes", api.RecoveryCodesView.as_view()),
    path("sessions", api.SessionListView.as_view()),
    path("sessions/revoke-others", api.SessionRevokeOthersView.as_view()),
    path("sessions/<int:session_id>", api.SessionDetailView.as_view()),
]
