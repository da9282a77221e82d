"""Version 1 of the API: every area's routes, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from liaison.communication import api as communication_api
from liaison.core import auth_api
from liaison.evaluation import api as evaluation_api
from liaison.evaluation import api_appeals as evaluation_appeals_api
from liaison.evaluation import api_rounds as evaluation_rounds_api
from liaison.matters import api as matters_api
from liaison.meetings import api as meetings_api
from liaison.notices import api as notices_api
from liaison.org import api as org_api
from liaison.suggestions import api as suggestions_api
from liaison.supervision import api as supervision_api

router = SimpleRouter()
router.register("matters", matters_api.MatterViewSet, basename="api-matter")
router.register("meeting-series", meetings_api.SeriesViewSet, basename="api-meeting-series")
router.register("meetings", meetings_api.MeetingViewSet, basename="api-meeting")

urlpatterns = [
    path("auth/token/", auth_api.TokenLoginView.as_view(), name="api-token"),
    path("auth/logout/", auth_api.TokenLogoutView.as_view(), name="api-logout"),
    path("organization/", org_api.OrganizationView.as_view(), name="api-organization"),
    path("departments/", org_api.DepartmentListView.as_view(), name="api-departments"),
    path("matter-kinds/", matters_api.MatterKindListView.as_view(), name="api-matter-kinds"),
    path("rooms/", meetings_api.RoomListView.as_view(), name="api-rooms"),
    path("calendar.ics", meetings_api.CalendarView.as_view(), name="api-calendar"),
    path(
        "attachments/<int:pk>/download/",
        matters_api.AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
    # Supervision's actions on a matter, ahead of the matters' routes.
    path(
        "matters/<int:pk>/supervise/", supervision_api.SuperviseView.as_view(), name="api-supervise"
    ),
    path("matters/<int:pk>/urge/", supervision_api.UrgeView.as_view(), name="api-urge"),
    path("matters/<int:pk>/rectify/", supervision_api.RectifyView.as_view(), name="api-rectify"),
    path(
        "matters/<int:pk>/review-rectification/",
        supervision_api.ReviewRectificationView.as_view(),
        name="api-review-rectification",
    ),
    path(
        "matters/<int:pk>/supervision/",
        supervision_api.SupervisionView.as_view(),
        name="api-supervision",
    ),
    *notices_api.urlpatterns,
    *suggestions_api.urlpatterns,
    *communication_api.urlpatterns,
    *evaluation_api.urlpatterns,
    *evaluation_appeals_api.urlpatterns,
    *evaluation_rounds_api.urlpatterns,
    *router.urls,
]
