"""The inbox page: a person's items, newest first; opening one marks it read. And the
page where a person says how they want their e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.zones import zone_name

from . import services
from .forms import PreferenceForm
from .models import Notification, NotificationPreference


def _person(request):
    # request.person is a lazy object, never None itself: test what it wraps.
    if not request.person:
        raise Http404
    return request.person


@login_required
def inbox(request):
    person = _person(request)
    unread_only = request.GET.get("unread") == "1"
    items = Notification.objects.filter(recipient=person)
    if unread_only:
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": services.unread_count(person)},
    )


@login_required
def open_item(request, pk):
    """Mark the item read and go where it points (only the recipient's own items)."""
    person = _person(request)
    item = get_object_or_404(Notification, pk=pk, recipient=person)
    if item.read_at is None:
        Notification.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=timezone.now())
    if url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(item.url)
    return redirect("inbox:list")


@login_required
@require_POST
def read_all(request):
    person = _person(request)
    count = services.mark_read(person)
    if count:
        messages.success(request, _("All items are marked read."))
    return redirect("inbox:list")


@login_required
def preferences(request):
    """The signed-in person's own preferences; there is no way to name anyone else's."""
    person = _person(request)
    if request.method == "POST":
        preference, _created = NotificationPreference.objects.get_or_create(person=person)
        form = PreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            services.save_preferences(form.save(commit=False))
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("inbox:preferences")
    else:
        form = PreferenceForm(instance=services.preferences_for(person))
    return render(
        request,
        "inbox/preferences.html",
        {
            "form": form,
            "person": person,
            "time_zone": zone_name(timezone.get_current_timezone_name()),
        },
    )
