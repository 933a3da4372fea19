"""Communications' moderation queue: reported comments with their reports, hidden or kept with
a form (CSRF like every dashboard form), through dialogue's own services; and the last hidden
comments, which can be shown again."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.errors import NotFoundError, PermissionDeniedError
from dialogue import selectors, services
from dialogue.services import Decision

from .access import dashboard_page

QUEUE_PER_PAGE = 25
RECENTLY_HIDDEN = 20


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Decision.HIDE, gettext_lazy("Skjul")),
            (Decision.KEEP, gettext_lazy("Behold")),
            (Decision.RESTORE, gettext_lazy("Vis igen")),
        ]
    )
    reason = forms.CharField(max_length=500, required=False)


def _check_section(request: HttpRequest) -> None:
    if "moderation" not in request.dashboard_sections:
        raise PermissionDeniedError(_("Moderering er for Kommunikation."))


@dashboard_page
def moderation(request: HttpRequest) -> HttpResponse:
    """Reported comments waiting for a decision, most reported first, and the last hidden."""
    _check_section(request)
    paginator = Paginator(selectors.moderation_queue_with_reports(), QUEUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "hidden": list(selectors.recently_hidden(limit=RECENTLY_HIDDEN)),
    }
    return render(request, "dashboard/moderation.html", context)


@dashboard_page
@require_POST
def moderation_decide(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Hide, keep or restore one comment, then back to the queue."""
    _check_section(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vælg skjul, behold eller vis igen."))
        return redirect("dashboard:moderation")
    comment = selectors.comment_get(user=request.user, comment_id=comment_id)
    if comment is None:
        raise NotFoundError(_("Kommentaren findes ikke."))
    services.comment_moderate(actor=request.user, comment=comment, **form.cleaned_data)
    done = {
        Decision.HIDE: _("Kommentaren er skjult."),
        Decision.KEEP: _("Kommentaren er beholdt, og anmeldelserne er afsluttet."),
        Decision.RESTORE: _("Kommentaren vises igen."),
    }
    messages.success(request, done[form.cleaned_data["decision"]])
    return redirect("dashboard:moderation")
