"""The inbox page: a person's items, newest first; opening one marks it read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Notification


def _person(request):
    if request.person is None:
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
