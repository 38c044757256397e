"""Signing in beyond the password: the second step (a code from the authenticator app, or a backup
code), enrolling an app at the first sign-in, new backup codes, and the lock-out page that django-axes
shows after repeated wrong passwords. Administrators reset a person's second step (a lost phone).

Who must pass the second step, and the devices behind it: `safetynet.core.two_factor`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_otp.plugins.otp_static.models import StaticDevice

from safetynet.audit.models import Action
from safetynet.audit.services import record
from safetynet.core import services, two_factor
from safetynet.core.access import kinds_required
from safetynet.core.errors import DomainError
from safetynet.core.forms import EnrolmentForm, SecondStepResetForm, TwoFactorForm, apply_domain_error
from safetynet.org.models import AccessKind


def next_page(request: HttpRequest) -> str:
    """Where to go once signed in: `?next=` when it is a page of this site, else the home page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def with_next(request: HttpRequest, name: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_page(request)})}"


def passed(request: HttpRequest, device: Any) -> None:
    """The session has passed the second step with `device`; a new session key for the stronger login."""
    request.session.cycle_key()
    django_otp.login(request, device)
    kind = "backup_code" if isinstance(device, StaticDevice) else "authenticator"
    record(Action.LOGIN, user=request.user, detail={"second_step": kind})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not two_factor.requires_two_factor(user) or two_factor.is_verified(user):
        return redirect(next_page(request))
    if two_factor.totp_device(user) is None:
        return redirect(with_next(request, "two_factor_setup"))
    form = TwoFactorForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        passed(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = two_factor.backup_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You used a backup code: %(left)d is left. Make new ones under Backup codes.",
                    "You used a backup code: %(left)d are left. Make new ones under Backup codes.",
                    left,
                )
                % {"left": left},
            )
        return redirect(next_page(request))
    return render(request, "core/two_factor.html", {"form": form, "next": next_page(request)})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan (or type) the secret, then type the code it shows."""
    user: Any = request.user
    if not two_factor.requires_two_factor(user):
        return redirect(next_page(request))
    if two_factor.totp_device(user) is not None:
        # Another app only once this one has been passed: a password alone must not add a device.
        return redirect(with_next(request, "two_factor") if not two_factor.is_verified(user) else "home")
    key = request.session.get(two_factor.PENDING_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = request.session[two_factor.PENDING_KEY] = two_factor.new_key()
    form = EnrolmentForm(request.POST or None, key=key)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.enrol_authenticator(user, key=key)
        except DomainError:  # enrolled meanwhile, in another tab
            return redirect(with_next(request, "two_factor"))
        codes = services.issue_backup_codes(user)
        del request.session[two_factor.PENDING_KEY]
        passed(request, device)
        return render(
            request,
            "core/backup_codes.html",
            {
                "codes": [two_factor.show_backup_code(c) for c in codes],
                "enrolled": True,
                "next": next_page(request),
            },
        )
    url = two_factor.config_url(user, key)
    context = {
        "form": form,
        "secret": two_factor.base32_secret(key),
        "qr": two_factor.qr_svg(url, title=str(user.get_username())),
        "next": next_page(request),
    }
    return render(request, "core/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """GET: how many backup codes are left; POST: ten new ones (the old stop working), shown this once."""
    user: Any = request.user
    if not two_factor.requires_two_factor(user) or not two_factor.is_verified(user):
        raise PermissionDenied
    if request.method == "POST":
        codes = services.issue_backup_codes(user)
        return render(
            request, "core/backup_codes.html", {"codes": [two_factor.show_backup_code(c) for c in codes]}
        )
    return render(request, "core/backup_codes.html", {"left": two_factor.backup_codes_left(user)})


def accounts_with_second_step() -> QuerySet[Any]:
    """Accounts with an authenticator app or backup codes (something to reset), with how many of each;
    active or not (a leaver's device is reset too). One still to enrol has nothing to reset."""
    return (
        get_user_model()
        .objects.filter(Q(totpdevice__isnull=False) | Q(staticdevice__isnull=False))
        .annotate(
            apps=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
            codes_left=Count("staticdevice__token_set", distinct=True),
        )
        .select_related("staff__role", "staff__unit")
        .order_by("staff__unit__county_id", "staff__unit_id", "username")
    )


@never_cache
@kinds_required(AccessKind.ADMIN)
@require_safe
def second_steps(request: HttpRequest) -> HttpResponse:
    """The administrator's list of accounts with a second step, each with a way to reset it."""
    return render(request, "core/second_steps.html", {"accounts": accounts_with_second_step()})


@never_cache
@kinds_required(AccessKind.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def second_step_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset one account's second step: the reason is written (GET, then POST), then confirmed on a
    page of its own (POST with `confirm`); only the confirmed POST resets."""
    account = get_object_or_404(accounts_with_second_step(), pk=pk)
    form = SecondStepResetForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "reset":
            try:
                services.reset_second_step(account, by=request.user, reason=form.cleaned_data["reason"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The second step of %(account)s was reset; they set up a new app at their next sign-in."
                    )
                    % {"account": account.get_username()},
                )
                return redirect("second_steps")
        else:
            confirming = "back" not in request.POST
    context = {"account": account, "form": form, "confirming": confirming}
    return render(request, "core/second_step_reset.html", context)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a login of a locked-out username from this address (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT}
    return render(request, "core/locked_out.html", context, status=429)
