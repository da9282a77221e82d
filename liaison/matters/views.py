from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def detail(request, pk):
    matter = selectors.matter_for(request.person, pk)
    return render(request, "matters/detail.html", {"matter": matter})
