"""The console's login and the caller's own account security: password, two-factor, sessions,
password reset. Thin views: parse, call one service, shape the answer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from parley.accounts import selectors
from parley.accounts.audit.search import AUDIT_ROLES
from parley.accounts.auth import login as login_flow
from parley.accounts.auth import password_reset, passwords, sessions, totp
from parley.accounts.models import Member, User
from parley.privacy.permissions import can_view_pii

LOCALE = serializers.ChoiceField(choices=sorted(login_flow.LOCALES), required=False)


class MembershipOut(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    workspace = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, member: Member) -> dict[str, bool]:
        """What the console may offer this member (docs/permissions.md); the API enforces it."""
        return {
            "see_all_inboxes": member.sees_all_inboxes,
            "assign_others": member.is_supervising,
            "manage_shared_replies": member.is_supervising,
            "view_pii": can_view_pii(member),
            "read_audit_log": member.role in AUDIT_ROLES,
        }

    def get_workspace(self, member: Member) -> dict[str, Any]:
        return {
            "id": member.workspace_id,
            "slug": member.workspace.slug,
            "name": member.workspace.name,
            "timezone": member.workspace.timezone,
            "require_two_factor": member.workspace.require_two_factor,
        }


def me_payload(user: User) -> dict[str, Any]:
    return {
        "user": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "two_factor_enabled": totp.two_factor_enabled(user),
        },
        "memberships": MembershipOut(
            selectors.memberships_of(user=user, include_two_factor_blocked=True), many=True
        ).data,
    }


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class CsrfView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @method_decorator(ensure_csrf_cookie)
    @extend_schema(responses=inline_serializer("Csrf", {"csrf_token": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request._request)})


class PublicAuthView(APIView):
    """Called before anyone is logged in; rate limited per client address."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


class LoginView(PublicAuthView):
    class LoginInput(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(max_length=256, trim_whitespace=False)
        locale = LOCALE

    # DRF exempts its views from CSRF; a login form is where a forged request does harm.
    @method_decorator(csrf_protect)
    @extend_schema(request=LoginInput, responses=None)
    def post(self, request: Request) -> Response:
        data = self.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = login_flow.login_with_password(
            request=request._request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            locale=data.validated_data.get("locale"),
        )
        if result.user is None:
            return Response({"two_factor_required": True, "expires_in": result.expires_in})
        return Response(me_payload(result.user))


class LoginCodeView(PublicAuthView):
    class LoginCodeInput(serializers.Serializer):
        code = serializers.CharField(max_length=32)

    @method_decorator(csrf_protect)
    @extend_schema(request=LoginCodeInput, responses=None)
    def post(self, request: Request) -> Response:
        data = self.LoginCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = login_flow.login_with_code(
            request=request._request, code=data.validated_data["code"]
        )
        return Response(me_payload(user))


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        key = request._request.session.session_key
        logout(request._request)
        sessions.session_forget(session_key=key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=None)
    def get(self, request: Request) -> Response:
        return Response(me_payload(_user(request)))


class PasswordChangeView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class PasswordChangeInput(serializers.Serializer):
        current_password = serializers.CharField(max_length=256, trim_whitespace=False)
        new_password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(
        request=PasswordChangeInput,
        responses=inline_serializer(
            "PasswordChanged", {"sessions_ended": serializers.IntegerField()}
        ),
    )
    def post(self, request: Request) -> Response:
        data = self.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        ended = passwords.password_change(
            user=_user(request),
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["new_password"],
            request=request._request,
        )
        return Response({"sessions_ended": ended})


class PasswordResetRequestView(PublicAuthView):
    throttle_scope = "password_reset"

    class PasswordResetInput(serializers.Serializer):
        email = serializers.EmailField()
        locale = LOCALE

    @method_decorator(csrf_protect)
    @extend_schema(request=PasswordResetInput, responses={202: None})
    def post(self, request: Request) -> Response:
        data = self.PasswordResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset.password_reset_request(
            email=data.validated_data["email"], locale=data.validated_data.get("locale")
        )
        return Response(
            {"detail": "If an account uses this address, an e-mail with a link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class ResetLinkInput(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class PasswordResetCheckView(PublicAuthView):
    @method_decorator(csrf_protect)
    @extend_schema(request=ResetLinkInput, responses={204: None})
    def post(self, request: Request) -> Response:
        data = ResetLinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset.password_reset_check(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetConfirmView(PublicAuthView):
    class PasswordResetConfirmInput(ResetLinkInput):
        new_password = serializers.CharField(max_length=256, trim_whitespace=False)

    @method_decorator(csrf_protect)
    @extend_schema(request=PasswordResetConfirmInput, responses={204: None})
    def post(self, request: Request) -> Response:
        data = self.PasswordResetConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset.password_reset_confirm(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TwoFactorView(APIView):
    @extend_schema(responses=None)
    def get(self, request: Request) -> Response:
        user = _user(request)
        enabled = totp.two_factor_enabled(user)
        return Response(
            {
                "enabled": enabled,
                "recovery_codes_left": totp.recovery_codes_left(user=user) if enabled else 0,
            }
        )


class TwoFactorSetupView(APIView):
    @extend_schema(request=None, responses=None)
    def post(self, request: Request) -> Response:
        enrolment = totp.two_factor_setup(user=_user(request))
        return Response(
            {
                "secret": enrolment.secret,
                "otpauth_uri": enrolment.otpauth_uri,
                "qr_svg": enrolment.qr_svg,
            }
        )


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class TwoFactorConfirmView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CodeInput, responses=None)
    def post(self, request: Request) -> Response:
        data = CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        codes = totp.two_factor_confirm(user=_user(request), code=data.validated_data["code"])
        return Response({"recovery_codes": codes})


class PasswordAndCodeInput(CodeInput):
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TwoFactorDisableView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=PasswordAndCodeInput, responses={204: None})
    def post(self, request: Request) -> Response:
        data = PasswordAndCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        totp.two_factor_disable(user=_user(request), **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecoveryCodesView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=PasswordAndCodeInput, responses=None)
    def post(self, request: Request) -> Response:
        data = PasswordAndCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        codes = totp.recovery_codes_regenerate(user=_user(request), **data.validated_data)
        return Response({"recovery_codes": codes})


class SessionOut(serializers.Serializer):
    id = serializers.IntegerField()
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_active_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    def get_current(self, row: Any) -> bool:
        return bool(row.session_key == self.context["current_key"])


class SessionListView(APIView):
    @extend_schema(responses=SessionOut(many=True))
    def get(self, request: Request) -> Response:
        rows = sessions.session_list(user=_user(request))
        context = {"current_key": request._request.session.session_key}
        return Response(SessionOut(rows, many=True, context=context).data)


class SessionDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, session_id: int) -> Response:
        sessions.session_end(request=request._request, user=_user(request), session_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionRevokeOthersView(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "SessionsEnded", {"sessions_ended": serializers.IntegerField()}
        ),
    )
    def post(self, request: Request) -> Response:
        ended = sessions.sessions_end_others(request=request._request, user=_user(request))
        return Response({"sessions_ended": ended})
