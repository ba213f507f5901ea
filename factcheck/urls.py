from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from factcheck.forms import AdminLoginForm, LoginForm

admin.site.site_header = "Fact-check desk"
admin.site.site_title = "Fact-check desk"
admin.site.index_title = "The desk"
# Both log-in forms check the password-guessing limits first (factcheck/login_guard.py).
admin.site.login_form = AdminLoginForm
# A database that is away is a 503 "try again", not a server error (factcheck/unavailable.py).
handler500 = "factcheck.unavailable.server_error"


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page links to. A temporary redirect:
    the icon's hashed name changes with its content, deploy after deploy."""
    return HttpResponseRedirect(static("annotations/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("annotations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("checks/", include("annotations.published_urls")),
    path(
        "api/docs/",
        # The split view loads its script from a file: no inline script, so it runs under our CSP.
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs",
    ),
    path("", include("annotations.urls")),
]
