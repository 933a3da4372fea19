"""The survey-wave page behind an SMS or e-mail link (push.links): answer without the app.

The signed link stands for one person and this one wave. Answers go through the same
`response_submit` as the app, so the anonymity rules hold here too: the participation (who has
answered) is written apart from the response (what was answered), which keeps only the unit.
The page records nothing else about the visit. A person who has answered, or a wave that has
closed, gets a page saying so; a wave the person was not invited to is no page at all.
"""

from typing import Any

from django.shortcuts import redirect, render
from django.utils import timezone

from backend.errors import ApplicationError, ConflictError

from . import selectors, services
from .models import VALUE_RANGES, QuestionKind, Wave
from .services import FREE_TEXT_MAX_CHARS


def wave_link_page(request, *, user, object_id: int):
    wave = selectors.wave_for_link(user=user, wave_id=object_id)
    if wave is None:
        return None
    questions = list(wave.survey.questions.all())
    now = timezone.now()
    is_open = wave.status == Wave.Status.OPEN and wave.opens_at <= now < wave.closes_at
    context: dict[str, Any] = {
        "wave": wave,
        "answered": wave.answered,
        "open": is_open,
        "free_text_max": FREE_TEXT_MAX_CHARS,
    }
    status = 200
    if request.method == "POST" and is_open and not wave.answered:
        try:
            services.response_submit(wave=wave, user=user, answers=_answers(request, questions))
        except ConflictError:
            pass  # answered in another tab, or closed meanwhile: the page says which
        except ApplicationError as error:
            context["errors"] = error.fields.get("answers", {})
            context["message"] = error.message
            status = 400
        if status == 200:
            return redirect(request.path)
    context["questions"] = [_shown(q, request, context.get("errors", {})) for q in questions]
    return render(request, "surveys/link_wave.html", context, status=status)


def _answers(request, questions) -> list[dict[str, Any]]:
    """The form's fields (`q<id>`, repeated for several options) as the API's answer list."""
    answers = []
    for question in questions:
        raw = [value.strip() for value in request.POST.getlist(f"q{question.pk}")]
        if question.kind == QuestionKind.FREE_TEXT:
            answers.append({"question": question.pk, "text": raw[0] if raw else ""})
        elif not raw:
            continue  # response_submit says which required question is missing
        elif question.kind in VALUE_RANGES:
            value = raw[0]
            answers.append(
                {"question": question.pk, "value": int(value) if value.isdigit() else value}
            )
        else:
            options = [int(value) if value.isdigit() else value for value in raw]
            answers.append({"question": question.pk, "options": options})
    return answers


def _shown(question, request, errors: dict) -> dict[str, Any]:
    """A question as the template draws it, with what the person chose kept after an error."""
    chosen = set(request.POST.getlist(f"q{question.pk}")) if request.method == "POST" else set()
    if question.kind in VALUE_RANGES:
        low, high = VALUE_RANGES[question.kind]
        choices = [(str(n), str(n)) for n in range(low, high + 1)]
    else:
        choices = [(str(o.pk), o.text) for o in question.options.all()]
    several = question.kind in (QuestionKind.MULTIPLE, QuestionKind.KNOWLEDGE)
    return {
        "id": question.pk,
        "text": question.text,
        "free_text": question.kind == QuestionKind.FREE_TEXT,
        "input": "checkbox" if several else "radio",
        "scale": question.kind in VALUE_RANGES,
        "choices": [(value, label, value in chosen) for value, label in choices],
        "typed": request.POST.get(f"q{question.pk}", "") if request.method == "POST" else "",
        "errors": errors.get(str(question.pk), []),
    }
