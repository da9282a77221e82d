from django.contrib import admin

from .models import ServiceLevel


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "urgency",
        "accept_within",
        "accept_unit",
        "reply_within",
        "reply_unit",
        "reminders",
        "on_breach",
    ]
    list_filter = ["kind__organization", "urgency", "on_breach"]
    list_select_related = ["kind"]
    list_editable = ["accept_within", "accept_unit", "reply_within", "reply_unit", "on_breach"]
