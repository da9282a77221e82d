"""Raising a matter, and editing a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.core.errors import ServiceError
from liaison.core.plain import listing

from .. import policy, selectors, services
from ..forms import MatterForm
from .common import max_mb, no_person, person_or_404

Action = policy.Action


def _matter_input(data) -> services.MatterInput:
    return services.MatterInput(
        title=data["title"],
        kind=data["kind"],
        description=data["description"],
        urgency=data["urgency"],
        originator_department=data["originator_department"],
        lead_department=data["lead_department"],
        co_departments=tuple(data["co_departments"]),
        due=data["due"],
        categories=tuple(data["categories"]),
    )


def _draft_initial(matter) -> dict:
    return {
        "title": matter.title,
        "kind": matter.kind,
        "urgency": matter.urgency,
        "description": matter.description,
        "originator_department": matter.originator_department,
        "lead_department": matter.lead_department,
        "co_departments": [c.department for c in matter.co_organizers.all()],
        "due": matter.due,
        "categories": list(matter.categories.all()),
    }


def _matter_form(request, person, matter=None):
    """Raise a matter, or edit a draft (`matter`): saved as a draft or submitted."""
    initial = _draft_initial(matter) if matter is not None else None
    form = MatterForm(person, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("intent") == "submit"
        files = request.FILES.getlist("attachments")
        matter_input = _matter_input(form.cleaned_data)
        try:
            # All or nothing: a refused file or a refused submission saves nothing.
            with transaction.atomic():
                if matter is None:
                    saved = services.create_matter(person, matter_input)
                else:
                    saved = services.edit_draft(matter, person, matter_input)
                if files:
                    services.add_attachments(saved, person, files)
                if submit:
                    saved = services.submit_matter(saved, person)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if not submit:
                messages.success(request, _("Saved as a draft. Submit it when it is ready."))
            else:
                messages.success(
                    request,
                    _("%(number)s is submitted and now with %(department)s.")
                    % {"number": saved.number, "department": saved.owner_department},
                )
            return redirect("matters:detail", pk=saved.pk)
    elif request.method == "GET" and matter is None:
        form.initial["originator_department"] = form.fields[
            "originator_department"
        ].queryset.first()
        offered = policy.raisable_kinds(person)
        form.initial["kind"] = offered.filter(code="coordination").first() or offered.first()
    return render(
        request,
        "matters/new.html",
        {
            "form": form,
            "matter": matter,
            "has_department": form.fields["originator_department"].queryset.exists(),
            "max_mb": max_mb(),
            "allowed_types": listing(sorted(services.ALLOWED_EXTENSIONS)),
        },
    )


@login_required
def new(request):
    if not request.person:  # a lazy object: test what it wraps
        return no_person(request)
    return _matter_form(request, request.person)


@login_required
def edit(request, pk):
    """Edit a draft: only its originator, only before it is submitted."""
    person = person_or_404(request)
    matter = selectors.matter_for(person, pk)
    if Action.EDIT not in policy.allowed_actions(person, matter):
        messages.error(request, _("Only the originator can edit a matter, and only as a draft."))
        return redirect("matters:detail", pk=matter.pk)
    return _matter_form(request, person, matter)
