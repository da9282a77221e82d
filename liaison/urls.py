from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from liaison.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("liaison.org.urls")),
    path("matters/", include("liaison.matters.urls")),
    path("inbox/", include("liaison.inbox.urls")),
    path("supervision/", include("liaison.supervision.urls")),
    path("meetings/", include("liaison.meetings.urls")),
    path("notices/", include("liaison.notices.urls")),
    path("suggestions/", include("liaison.suggestions.urls")),
    path("communication/", include("liaison.communication.urls")),
    path("dashboard/", include("liaison.dashboard.urls")),
    path("evaluation/", include("liaison.evaluation.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script as its own request, not inline (Content-Security-Policy).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    path("api/v1/", include("liaison.api_urls")),
]
