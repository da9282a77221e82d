"""Notifications in the admin, read-only: they are written by the services that notify."""

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "ask", "title", "read_at"]
    list_filter = ["ask", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "detail", "recipient__name", "recipient__employee_number"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "ask",
        "title",
        "detail",
        "url",
        "content_type",
        "object_id",
        "created_at",
        "read_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
