"""The public web form at /support/<workspace>/new: anyone may open a ticket, no login.

Anti-spam, each cheap and invisible to a person: a honeypot field people never see (a bot that
fills it is thanked and nothing is stored), a signed start time (a form sent back sooner than a
person could fill it, or with a forged or stale time, is refused), and a rate limit per IP
address (the cache; the client address as DRF's throttles see it). CSRF-protected like every
form. English and Chinese, by the browser's language or ``?lang=``.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.csrf import csrf_protect
from rest_framework.throttling import SimpleRateThrottle

from parley.accounts.models import Workspace
from parley.errors import ApplicationError
from parley.tickets import selectors, services
from parley.tickets.models import CreatedVia

SALT = "parley.tickets.web_form"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Contact support",
        "intro": "Tell us what happened; we answer by e-mail.",
        "name": "Your name",
        "email": "E-mail",
        "subject": "Subject",
        "description": "Description",
        "submit": "Send",
        "thanks": "Thank you. Your ticket number is",
        "thanks_plain": "Thank you. We have your message.",
        "keep": "Keep this number; we will write to you by e-mail.",
        "too_fast": "That was quick. Please check the form and send it again.",
        "expired": "This form has expired. Please send it again.",
        "throttled": "Too many requests from your address. Please try again later.",
        "invalid": "Please correct the fields marked below.",
    },
    "zh-hans": {
        "title": "联系客服",
        "intro": "请告诉我们发生了什么，我们会通过电子邮件答复。",
        "name": "您的姓名",
        "email": "电子邮件",
        "subject": "主题",
        "description": "问题描述",
        "submit": "提交",
        "thanks": "谢谢。您的工单号是",
        "thanks_plain": "谢谢，我们已收到您的留言。",
        "keep": "请保存此工单号，我们会通过电子邮件与您联系。",
        "too_fast": "提交得太快了，请检查后重新提交。",
        "expired": "表单已过期，请重新提交。",
        "throttled": "您的提交过于频繁，请稍后再试。",
        "invalid": "请更正下面标出的字段。",
    },
}


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or translation.get_language() or "en"
    return "zh-hans" if wanted.lower().startswith("zh") else "en"


class WebFormThrottle(SimpleRateThrottle):
    scope = "ticket_web_form"

    def get_rate(self) -> str:
        return str(getattr(settings, "PARLEY_RATE_TICKET_WEB_FORM", "5/hour"))

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def form_started_token(*, workspace_id: int, at: float | None = None) -> str:
    return signing.dumps({"w": workspace_id, "t": at if at is not None else time.time()}, salt=SALT)


def _form_age(token: str, workspace_id: int) -> float | None:
    """Seconds since the form was handed out, or None for a forged or foreign token."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_FORM_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("w") != workspace_id:
        return None
    age = time.time() - float(value.get("t", 0))
    return age if age <= MAX_FORM_AGE_SECONDS else None


class TicketWebForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField()
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, max_length=10000)
    # The honeypot: hidden from people by CSS, filled by bots that fill every field.
    website = forms.CharField(required=False)
    started = forms.CharField(widget=forms.HiddenInput)


def _page(
    request: HttpRequest,
    workspace: Workspace,
    form: TicketWebForm,
    *,
    error: str = "",
    number: int | None = None,
    thanked: bool = False,
    status: int = 200,
) -> HttpResponse:
    lang = _language(request)
    return render(
        request,
        "tickets/web_form.html",
        {
            "workspace": workspace,
            "form": form,
            "t": TEXT[lang],
            "lang": "zh-CN" if lang == "zh-hans" else "en",
            "error": TEXT[lang][error] if error else "",
            "number": number,
            "thanked": thanked,
        },
        status=status,
    )


def _fresh_form(workspace: Workspace, data: dict[str, Any] | None = None) -> TicketWebForm:
    initial = {"started": form_started_token(workspace_id=workspace.pk)}
    if data is None:
        return TicketWebForm(initial=initial)
    # Sent back for another try: the person's text kept, a new start time.
    return TicketWebForm(initial={**{k: v for k, v in data.items() if k != "website"}, **initial})


@csrf_protect
def web_form(request: HttpRequest, workspace: str) -> HttpResponse:
    space = get_object_or_404(Workspace, slug=workspace)
    inbox = selectors.web_form_inbox(workspace=space)
    if inbox is None:
        raise Http404("This workspace takes no tickets by web form.")
    if request.method != "POST":
        return _page(request, space, _fresh_form(space))
    if not WebFormThrottle().allow_request(request, None):  # type: ignore[arg-type]
        return _page(request, space, _fresh_form(space), error="throttled", status=429)
    form = TicketWebForm(request.POST)
    if not form.is_valid():
        errors_only_started = set(form.errors) == {"started"}
        return _page(
            request,
            space,
            _fresh_form(space, dict(form.data.items())) if errors_only_started else form,
            error="expired" if errors_only_started else "invalid",
            status=400,
        )
    data = form.cleaned_data
    if data["website"]:
        return _page(request, space, _fresh_form(space), thanked=True)
    age = _form_age(data["started"], space.pk)
    if age is None:
        return _page(request, space, _fresh_form(space, data), error="expired", status=400)
    if age < MIN_FILL_SECONDS:
        return _page(request, space, _fresh_form(space, data), error="too_fast", status=400)
    try:
        contact = services.requester_for(
            workspace=space,
            name=data["name"],
            email=data["email"],
            locale="zh-CN" if _language(request) == "zh-hans" else "en",
        )
        ticket = services.ticket_create(
            inbox=inbox,
            contact=contact,
            subject=data["subject"],
            description=data["description"],
            created_via=CreatedVia.WEB_FORM,
        )
    except ApplicationError:
        return _page(request, space, form, error="invalid", status=400)
    return _page(request, space, _fresh_form(space), number=ticket.number, status=201)
