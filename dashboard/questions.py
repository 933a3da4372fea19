"""Questions addressed to me (HR, communications, leaders): read, answer, close and, for those
who write staff info pages, publish — by form, through dialogue's services, as the API does."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.errors import NotFoundError, PermissionDeniedError
from content.models import PostKind
from content.services import kinds_writable_by
from dialogue import selectors, services
from dialogue.models import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, QuestionStatus

from .access import dashboard_page

QUESTIONS_PER_PAGE = 25


class AnswerForm(forms.Form):
    text = forms.CharField(max_length=ANSWER_MAX_LENGTH, strip=True)


class PublishForm(forms.Form):
    title = forms.CharField(max_length=200, strip=True)
    question = forms.CharField(max_length=QUESTION_MAX_LENGTH, strip=True)
    answer = forms.CharField(max_length=ANSWER_MAX_LENGTH, strip=True)


def _check_section(request: HttpRequest) -> None:
    if "questions" not in request.dashboard_sections:
        raise PermissionDeniedError(_("Spørgsmål er for HR, Kommunikation og ledere."))


def _status(request: HttpRequest) -> str:
    status = request.GET.get("status", QuestionStatus.NEW)
    if status not in QuestionStatus.values:
        raise Http404
    return status


@dashboard_page
def questions(request: HttpRequest) -> HttpResponse:
    """The questions addressed to me with one status (new first), oldest first."""
    _check_section(request)
    status = _status(request)
    paginator = Paginator(
        selectors.question_inbox(user=request.user, status=status), QUESTIONS_PER_PAGE
    )
    context = {
        "page": paginator.get_page(request.GET.get("page")),
        "status": status,
        "statuses": QuestionStatus.choices,
        "may_publish": PostKind.PAGE in kinds_writable_by(request.user),
    }
    return render(request, "dashboard/questions.html", context)


def _question(request: HttpRequest, question_id: int):
    _check_section(request)
    question = selectors.question_get(user=request.user, question_id=question_id)
    if question is None:
        raise NotFoundError(_("Spørgsmålet findes ikke."))
    services.question_check_recipient(actor=request.user, question=question)
    return question


def _back(question) -> HttpResponse:
    return redirect(f"{reverse('dashboard:questions')}?status={question.status}#q{question.pk}")


@dashboard_page
@require_POST
def question_answer(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv et svar på højst %(n)s tegn.") % {"n": ANSWER_MAX_LENGTH})
        return _back(question)
    question = services.question_answer(
        actor=request.user, question=question, text=form.cleaned_data["text"]
    )
    messages.success(request, _("Svaret er sendt."))
    return _back(question)


@dashboard_page
@require_POST
def question_close(request: HttpRequest, question_id: int) -> HttpResponse:
    question = services.question_close(actor=request.user, question=_question(request, question_id))
    messages.success(request, _("Spørgsmålet er lukket."))
    return _back(question)


@dashboard_page
@require_POST
def question_publish(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Udfyld titel, spørgsmål og svar."))
        return _back(question)
    question = services.question_publish(
        actor=request.user,
        question=question,
        title=form.cleaned_data["title"],
        question_text=form.cleaned_data["question"],
        answer_text=form.cleaned_data["answer"],
    )
    messages.success(request, _("Svaret er udgivet som personaleinformation."))
    return _back(question)
