"""Version 1 of the API: every area's routes, mounted under /api/v1/."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from liaison.org import api as org_api

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("organization/", org_api.OrganizationView.as_view(), name="api-organization"),
    path("departments/", org_api.DepartmentListView.as_view(), name="api-departments"),
]
