"""Sign-in, sign-out, password change and the audit log page."""

from __future__ import annotations

from datetime import date

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medbridge.accounts import services
from medbridge.accounts.decorators import auditor_required
from medbridge.accounts.selectors import AuditFilter, audit_entries
from medbridge.web.pagination import paginate


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# auditlog ships no Chinese labels for its actions.
ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("新建"),
    LogEntry.Action.UPDATE: gettext_lazy("修改"),
    LogEntry.Action.DELETE: gettext_lazy("删除"),
    LogEntry.Action.ACCESS: gettext_lazy("访问"),
}


@auditor_required
def audit_log(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    f = AuditFilter(
        q=request.GET.get("q", "").strip(),
        model=request.GET.get("model", ""),
        action=int(action) if action.isdigit() else None,
        since=_date(request.GET.get("since")),
        until=_date(request.GET.get("until")),
    )
    page = paginate(request, audit_entries(f))
    for entry in page:
        entry.action_label = ACTION_LABELS.get(entry.action, entry.action)
    context = {
        "page": page,
        "filter": f,
        "actions": list(ACTION_LABELS.items()),
        "retention": settings.AUDIT_RETENTION_DAYS,
        "models": [("institution", "机构"), ("department", "科室"), ("professional", "人员"), ("user", "用户")],
    }
    return render(request, "accounts/audit_log.html", context)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: create one (its secret is shown once) or revoke one."""
    secret = None
    if request.method == "POST" and request.POST.get("revoke"):
        token = get_object_or_404(request.user.api_tokens, pk=request.POST["revoke"])  # type: ignore[union-attr]
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("令牌“%(name)s”已吊销") % {"name": token.name})
        return redirect("accounts:api_tokens")
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:64] or _("未命名")
        _token, secret = services.api_token_create(actor=request.user, user=request.user, name=name)  # type: ignore[arg-type]
    tokens = request.user.api_tokens.order_by("-created_at")  # type: ignore[union-attr]
    return render(request, "accounts/api_tokens.html", {"tokens": tokens, "secret": secret})
