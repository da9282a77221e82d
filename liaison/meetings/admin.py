"""Meetings in the admin. Rooms are kept here; series, meetings, their agendas,
attendance, minutes and history are read-only: they change only through the services
(pages, API), which also record the change and tell the people invited."""

from django.contrib import admin
from django.db import models

from liaison.core.admin import ReadOnlyMixin

from .models import (
    AgendaItem,
    AttendanceRecord,
    Decision,
    EmergencyCall,
    Meeting,
    MeetingEvent,
    MeetingSeries,
    Minutes,
    MinutesReceipt,
    Participant,
    Room,
)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "location", "capacity", "is_active", "organization"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "code", "location"]
    prepopulated_fields = {"code": ["name"]}


class ParticipantInline(ReadOnlyMixin, admin.TabularInline):
    model = Participant
    fields = ["department", "attendance", "person"]
    readonly_fields = fields
    extra = 0


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingEvent
    fields = ["at", "type", "actor", "meeting", "reason", "data"]
    readonly_fields = fields
    extra = 0


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "organizer", "rule", "start_time", "duration", "room"]
    list_filter = ["kind", "organization"]
    search_fields = ["title", "organizer__name", "rule"]
    list_select_related = ["organizer", "room"]
    inlines = [ParticipantInline, EventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CallInline(ReadOnlyMixin, admin.TabularInline):
    model = EmergencyCall
    fields = ["person", "called_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0


class AgendaInline(ReadOnlyMixin, admin.TabularInline):
    # Pre-briefings stay out of the admin: they are for the people they name.
    model = AgendaItem
    fields = ["position", "title", "department", "matter", "presenter", "minutes", "state"]
    readonly_fields = fields
    extra = 0


class AttendanceInline(ReadOnlyMixin, admin.TabularInline):
    model = AttendanceRecord
    fields = ["person", "presence", "reason", "substitute", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["start", "__str__", "state", "room", "overridden", "is_emergency"]
    list_filter = ["state", "is_emergency", "overridden", "organization"]
    search_fields = ["title", "series__title"]
    list_select_related = ["series", "room"]
    date_hierarchy = "start"
    inlines = [ParticipantInline, CallInline, AgendaInline, AttendanceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DecisionInline(ReadOnlyMixin, admin.TabularInline):
    model = Decision
    fields = ["position", "title", "owner_department", "responsible", "due", "matter"]
    readonly_fields = fields
    extra = 0


class ReceiptInline(ReadOnlyMixin, admin.TabularInline):
    model = MinutesReceipt
    fields = ["person", "sent_at", "read_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["meeting", "recorder", "state", "approved_by", "approved_at"]
    list_filter = ["state"]
    search_fields = ["meeting__title", "meeting__series__title", "summary"]
    list_select_related = ["meeting__series", "recorder", "approved_by"]
    inlines = [DecisionInline, ReceiptInline]
