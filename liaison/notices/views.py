"""Notice pages: my notices, what my departments issued, writing and publishing, the
notice page (reading it records the receipt) with relay, reminders and per-department
statistics, attachments, and the liaison desk.

Views are thin: they read the input, call selectors and services, and render. A refusal
of the services is shown as a message (or on the form) and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from liaison.core.downloads import download
from liaison.core.errors import ServiceError
from liaison.core.plain import listing
from liaison.org.models import Department, Person

from . import policy, selectors, services
from .forms import NoticeForm, ReportForm
from .models import NoticeAttachment, NoticeState, ReadVia

PER_PAGE = 20
TABS = ("mine", "issued", "drafts", "archive")


def _person(request) -> Person:
    """The signed-in person; a login without a person record has no notices (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


def _refused(request, exc) -> None:
    messages.error(request, exc.message)


def _say_published(request, notice) -> None:
    messages.success(
        request,
        ngettext(
            "Published to %(count)d person.",
            "Published to %(count)d people.",
            notice.recipient_count,
        )
        % {"count": notice.recipient_count},
    )


def _back(request, pk):
    """To the page the form came from (the liaison desk), else the notice page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notices:detail", pk=pk)


@login_required
def notice_list(request):
    person = _person(request)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "mine"
    if tab == "mine":
        notices = selectors.for_me(person)
    elif tab == "archive":
        notices = selectors.for_me(person, archived=True)
    elif tab == "drafts":
        notices = selectors.issued(person, state=NoticeState.DRAFT)
    else:
        notices = selectors.issued(person).exclude(state=NoticeState.DRAFT)
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.read_counts(page.object_list) if tab == "issued" else {}
    rows = [(notice, counts.get(notice.pk, 0)) for notice in page.object_list]
    return render(
        request,
        "notices/list.html",
        {
            "tab": tab,
            "page": page,
            "rows": rows,
            "may_write": policy.may_write(person),
            "relays_waiting": selectors.awaiting_relay(person).count(),
            "relays": bool(policy.relay_departments(person)),
        },
    )


def _save(request, person, form, notice=None):
    """Create or change the draft; publish it when asked. Returns the notice or None."""
    publish = "publish" in request.POST
    files = form.cleaned_data["attachments"]
    try:
        if notice is None:
            notice = services.create_notice(person, form.notice_input(), attachments=files)
        else:
            notice = services.edit_draft(notice, person, form.notice_input(), attachments=files)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None
    if publish:
        try:
            notice = services.publish_notice(notice, person)
        except ServiceError as exc:
            messages.error(
                request,
                _("Saved as a draft, not published: %(reason)s") % {"reason": exc.message},
            )
            return notice
        _say_published(request, notice)
    else:
        messages.success(request, _("Draft saved."))
    return notice


@login_required
def notice_new(request):
    person = _person(request)
    form = NoticeForm(person, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        notice = _save(request, person, form)
        if notice is not None:
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/form.html", {"form": form, "notice": None})


@login_required
def notice_edit(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    if not policy.may_edit(person, notice):
        messages.error(request, _("Only a draft can be changed, by its issuing department."))
        return redirect("notices:detail", pk=notice.pk)
    form = NoticeForm(
        person,
        request.POST or None,
        request.FILES or None,
        initial=NoticeForm.initial_from(notice),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, person, form, notice)
        if saved is not None:
            return redirect("notices:detail", pk=saved.pk)
    return render(request, "notices/form.html", {"form": form, "notice": notice})


def _stats_context(person, notice) -> dict:
    if not policy.may_see_stats(person, notice):
        return {"stats": None}
    allowed = policy.stats_departments(person, notice)
    return {
        "stats": services.statistics(notice, departments=allowed),
        "may_remind": policy.may_remind(person, notice),
        "manages": allowed is None,
    }


@login_required
def detail(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    if notice.state == NoticeState.PUBLISHED:
        services.mark_read(notice, person, via=ReadVia.PAGE)
    manages = policy.may_manage(person, notice)
    mine = policy.relay_departments(person)
    to_relay = [
        r
        for r in notice.relays.select_related("department")
        if r.relayed_at is None and r.department_id in mine
    ]
    may_publish = policy.may_publish(person, notice)
    context = {
        "notice": notice,
        "manages": manages,
        "may_edit": policy.may_edit(person, notice),
        "may_publish": may_publish,
        "reach": services.reach_counts(notice) if may_publish else None,
        "may_pin": policy.may_pin(person, notice),
        "may_withdraw": policy.may_withdraw(person, notice),
        "receipt": selectors.receipt_of(person, notice),
        "audience": list(notice.audience.select_related("department", "group", "person")),
        "attachments": list(notice.attachments.all()),
        "to_relay": to_relay if policy.state_allows(notice, "relay") else [],
        "events": list(notice.events.select_related("actor", "department")) if manages else [],
        **_stats_context(person, notice),
    }
    return render(request, "notices/detail.html", context)


@login_required
def stats(request, pk):
    """The statistics card alone, which the notice page refreshes while it is open."""
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    return render(
        request, "notices/_stats.html", {"notice": notice, **_stats_context(person, notice)}
    )


def _department(request, person) -> Department | None:
    code = request.POST.get("department")
    if not code:
        return None
    return get_object_or_404(Department, pk=code, organization=person.organization)


@login_required
@require_POST
def publish(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    try:
        notice = services.publish_notice(notice, person)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        _say_published(request, notice)
    return redirect("notices:detail", pk=pk)


@login_required
@require_POST
def relay(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    try:
        relays = services.relay_notice(
            notice,
            person,
            department=_department(request, person),
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        _refused(request, exc)
    else:
        names = listing(r.department for r in relays)
        messages.success(request, _("Relayed to %(departments)s.") % {"departments": names})
    return _back(request, pk)


def _reminded(readers: int, relayers: int) -> str:
    """Whom a reminder reached: the people who had not read the notice, and the liaison
    officers who had not relayed it; a group nobody was in is left out."""
    parts = []
    if readers:
        parts.append(
            ngettext(
                "%(count)d person who has not read it",
                "%(count)d people who have not read it",
                readers,
            )
            % {"count": readers}
        )
    if relayers:
        parts.append(
            ngettext("%(count)d liaison officer", "%(count)d liaison officers", relayers)
            % {"count": relayers}
        )
    if len(parts) == 2:
        return _("Reminded %(readers)s and %(relayers)s.") % {
            "readers": parts[0],
            "relayers": parts[1],
        }
    return _("Reminded %(whom)s.") % {"whom": parts[0]}


@login_required
@require_POST
def remind(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    try:
        result = services.remind(notice, person, department=_department(request, person))
    except ServiceError as exc:
        _refused(request, exc)
    else:
        if result.readers or result.relayers:
            messages.success(request, _reminded(result.readers, result.relayers))
        else:
            messages.info(request, _("Nobody needed a reminder just now."))
        if result.skipped:
            messages.info(
                request,
                ngettext(
                    "%(count)d person was reminded less than an hour ago and was left alone.",
                    "%(count)d people were reminded less than an hour ago and were left alone.",
                    result.skipped,
                )
                % {"count": result.skipped},
            )
    return redirect("notices:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    try:
        services.withdraw(notice, person, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The notice was withdrawn."))
    return redirect("notices:detail", pk=pk)


@login_required
@require_POST
def pin(request, pk):
    person = _person(request)
    notice = selectors.notice_for(person, pk)
    try:
        services.set_pinned(notice, person, pinned=request.POST.get("pinned") == "1")
    except ServiceError as exc:
        _refused(request, exc)
    return redirect("notices:detail", pk=pk)


@login_required
def attachment(request, pk):
    """Download an attachment: only for people who see the notice, always as a download."""
    person = _person(request)
    item = NoticeAttachment.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    selectors.notice_for(person, item.notice_id)
    return download(item.file, item.original_name)


@login_required
def desk(request):
    """The liaison desk: what awaits relay, the department's notices and their readers,
    and reporting the department's problems and needs."""
    person = _person(request)
    departments = policy.relay_departments(person)
    form = ReportForm(person, request.POST or None, request.FILES or None)
    if request.method == "POST" and departments and form.is_valid():
        data = form.cleaned_data
        try:
            matter = services.report_problem(
                person,
                data["department"],
                title=data["title"],
                description=data["description"],
                due=data["due"],
                attachments=data["attachments"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Reported as %(number)s; the coordinating office dispatches it.")
                % {"number": matter.number},
            )
            return redirect("notices:desk")
    recent = list(selectors.for_me(person)[:10]) if departments else []
    department_stats = [
        (notice, services.statistics(notice, departments=departments)) for notice in recent
    ]
    return render(
        request,
        "notices/desk.html",
        {
            "departments": Department.objects.filter(pk__in=departments),
            "waiting": list(selectors.awaiting_relay(person)) if departments else [],
            "department_stats": department_stats,
            "reports": list(selectors.reported_by(departments)[:10]) if departments else [],
            "form": form,
        },
    )
