"""API routes of the area, mounted under /api/v1/ by liaison.api_urls."""

urlpatterns = []
