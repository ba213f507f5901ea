"""The log-in forms, with the guard of factcheck/login_guard.py in front of the password check."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from factcheck import login_guard


class GuardedLoginMixin:
    """Refuse an attempt that must wait before checking its password, and report the
    outcome of every attempt that was checked."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if self.request is None or not username or not password:
            return super().clean()
        try:
            attempt = login_guard.begin(self.request, username)
        except login_guard.LoginRefused as refusal:
            # factcheck.middleware.LoginRefusalMiddleware answers 429 with Retry-After.
            self.request.login_refusal = refusal
            raise ValidationError(str(refusal), code="login_refused") from None
        try:
            cleaned = super().clean()
        finally:
            # No user: the password was wrong (or axes refused the attempt, which it
            # counts itself). A user refused afterwards (inactive, not staff) knew it.
            attempt.finish(failed=self.user_cache is None)
        return cleaned


class LoginForm(GuardedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(GuardedLoginMixin, AdminAuthenticationForm):
    pass
