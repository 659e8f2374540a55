from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The start page: the user's inbox of things to do."""
    return render(request, "plans/home.html", {"roles": sorted(request.user.role_names)})
