"""Django admin for HR: tracks with their ordered steps inline and a timeline preview.

Every save goes through onboarding.services: the track's own fields through track_create /
track_update, the inline steps as one ordered list through track_steps_set (so a save is a
new version and running journeys keep theirs). Quiz questions are written in the step's quiz
field, one question per line followed by its options: "* " marks a correct option, "- " a
wrong one.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from backend.errors import ApplicationError
from org.admin import person_action_add
from org.admin_base import ReadOnlyAdminMixin, RoleAdminMixin, ServiceErrorMixin, two_box_field
from org.models import User

from . import schedule, services
from .models import Journey, JourneyStatus, JourneyStep, Step, StepKind, StepStatus, Track


def quiz_to_text(step: Step) -> str:
    lines = []
    for question in step.questions.all():
        lines.append(question.text)
        lines.extend(
            f"{'*' if option.is_correct else '-'} {option.text}"
            for option in question.options.all()
        )
    return "\n".join(lines)


def quiz_from_text(text: str) -> list[dict]:
    """Parse the admin's quiz text: a question line, then "* right" / "- wrong" option lines."""
    questions: list[dict] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[:2] in {"* ", "- "}:
            if not questions:
                raise forms.ValidationError(gettext("Skriv spørgsmålet før svarmulighederne."))
            questions[-1]["options"].append({"text": line[2:].strip(), "correct": line[0] == "*"})
        else:
            questions.append({"text": line, "options": []})
    return questions


class AssignTrackForm(forms.Form):
    track = forms.ModelChoiceField(
        label=_("forløb"), queryset=Track.objects.filter(is_active=True).order_by("name")
    )
    people = two_box_field(
        label=_("personer"),
        queryset=User.objects.filter(is_active=True).order_by("name"),
        plural=_("personer"),
    )
    start_date = forms.DateField(
        label=_("startdato"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("Tom: personens egen startdato (slutdatoen for offboarding)."),
    )


class JourneyHRForm(forms.Form):
    """One of HR's small forms on a journey's page; `apply` calls the onboarding service."""

    page_title = ""
    done_message = ""

    def __init__(self, *args, journey: Journey, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey = journey

    def apply(self, *, actor: User) -> None:
        raise NotImplementedError


class StartDateForm(JourneyHRForm):
    page_title = _("Flyt startdato")
    done_message = _("Startdatoen er flyttet; de åbne trin har fået nye datoer.")
    start_date = forms.DateField(label=_("ny startdato"), widget=AdminDateWidget)

    def apply(self, *, actor: User) -> None:
        start_date = self.cleaned_data["start_date"]
        services.journey_update(actor=actor, journey=self.journey, start_date=start_date)


class StepAddForm(JourneyHRForm):
    page_title = _("Tilføj et trin")
    done_message = _("Trinnet er tilføjet.")
    title = forms.CharField(label=_("titel"), max_length=200)
    kind = forms.ChoiceField(label=_("type"), choices=StepKind.choices, initial=StepKind.TASK)
    offset_days = forms.IntegerField(
        label=_("dag"), help_text=_("Dage efter startdatoen (negativ: før første dag).")
    )
    body = forms.CharField(label=_("tekst (Markdown)"), required=False, widget=forms.Textarea)

    def apply(self, *, actor: User) -> None:
        services.journey_step_add(actor=actor, journey=self.journey, **self.cleaned_data)


class StepSkipForm(JourneyHRForm):
    page_title = _("Spring et trin over")
    done_message = _("Trinnet er sprunget over.")
    step = forms.ModelChoiceField(label=_("trin"), queryset=JourneyStep.objects.none())
    reason = forms.CharField(label=_("begrundelse"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_steps = self.journey.steps.filter(status=StepStatus.OPEN)
        self.fields["step"].queryset = open_steps.order_by("due_at", "position")

    def apply(self, *, actor: User) -> None:
        data = self.cleaned_data
        services.journey_step_skip(actor=actor, step=data["step"], reason=data["reason"])


# HR's forms on a journey's page, by the last part of their address.
JOURNEY_FORMS = {"flyt-start": StartDateForm, "nyt-trin": StepAddForm, "spring-over": StepSkipForm}


def _form_page(model_admin, request, *, title: str, form, intro: str = ""):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/onboarding/form.html", context)


def _check_role(model_admin, request) -> None:
    if not model_admin._allowed(request):
        raise PermissionDenied


class StepInlineForm(forms.ModelForm):
    quiz_text = forms.CharField(
        label=_("quiz"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text=_("Ét spørgsmål pr. linje, derefter svarmuligheder: '* ' rigtig, '- ' forkert."),
    )

    class Meta:
        model = Step
        fields = [
            "position",
            "offset_days",
            "time_of_day",
            "title",
            "kind",
            "doer",
            "body",
            "url",
            "post",
            "meet_with",
            "meet_person",
            "requires",
            "pass_mark",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind == StepKind.QUIZ:
            self.fields["quiz_text"].initial = quiz_to_text(self.instance)
        track_id = self.instance.track_id
        self.fields["requires"].queryset = (
            Step.objects.filter(track_id=track_id).exclude(pk=self.instance.pk)
            if track_id
            else Step.objects.none()
        )

    def clean_quiz_text(self):
        return quiz_from_text(self.cleaned_data.get("quiz_text", ""))

    def _post_clean(self):
        # The model is validated by the service when the whole ordered list is saved.
        pass


class StepInline(RoleAdminMixin, admin.TabularInline):
    """HR edits steps here (the mixin's role check, not Django's per-model permissions)."""

    model = Step
    form = StepInlineForm
    extra = 1
    ordering = ["position", "id"]
    autocomplete_fields = ["meet_person"]
    raw_id_fields = ["post"]
    fk_name = "track"

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


@admin.register(Track)
class TrackAdmin(RoleAdminMixin, ServiceErrorMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "audience", "auto_assign", "is_active", "version", "steps_n"]
    list_filter = ["kind", "is_active", "auto_assign"]
    search_fields = ["name"]
    fields = [
        "name",
        "description",
        "kind",
        "audience",
        "auto_assign",
        "is_active",
        "assign_link",
        "timeline",
    ]
    readonly_fields = ["assign_link", "timeline"]
    inlines = [StepInline]

    def get_urls(self):
        assign = self.admin_site.admin_view(self.assign_view)
        return [path("tildel/", assign, name="onboarding_track_assign"), *super().get_urls()]

    @admin.display(description=_("tildel"))
    def assign_link(self, track):
        if not track.pk:
            return "—"
        url = reverse("admin:onboarding_track_assign") + f"?track={track.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Tildel forløbet"))

    def assign_view(self, request):
        """Give chosen people a journey on a chosen track, through journey_assign."""
        _check_role(self, request)
        initial = {
            "track": request.GET.get("track"),
            "people": [p for p in request.GET.get("people", "").split(",") if p.isdigit()],
        }
        form = AssignTrackForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            journeys = []
            for person in data["people"]:
                try:
                    journeys.append(
                        services.journey_assign(
                            actor=request.user,
                            user=person,
                            track=data["track"],
                            start_date=data["start_date"],
                        )
                    )
                except ApplicationError as exc:
                    self.message_user(request, f"{person}: {exc.message}", level=messages.ERROR)
            if journeys:
                self.message_user(
                    request,
                    ngettext(
                        "%(track)s er tildelt %(n)s person.",
                        "%(track)s er tildelt %(n)s personer.",
                        len(journeys),
                    )
                    % {"track": data["track"], "n": len(journeys)},
                    level=messages.SUCCESS,
                )
            if len(journeys) == 1:
                return redirect("admin:onboarding_journey_change", journeys[0].pk)
            return redirect(
                reverse("admin:onboarding_journey_changelist") + f"?track__id__exact="
                f"{data['track'].pk}"
            )
        return _form_page(self, request, title=gettext("Tildel et forløb"), form=form)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description=_("trin"), ordering="step_total")
    def steps_n(self, track):
        return track.step_total

    @admin.display(description=_("tidslinje"))
    def timeline(self, track):
        """The steps in time order, dated as if the person started next Monday."""
        if not track.pk:
            return "—"
        today = schedule.local_today()
        monday = today + timedelta(days=(7 - today.weekday()) or 7)
        steps = track.steps.order_by("offset_days", "time_of_day", "position")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    gettext("dag %(day)+d") % {"day": step.offset_days},
                    schedule.due_at(
                        anchor=monday,
                        offset_days=step.offset_days,
                        time_of_day=step.time_of_day,
                    ).strftime("%d.%m.%Y %H:%M"),
                    step.title,
                    step.get_kind_display(),
                    step.get_doer_display(),
                )
                for step in steps
            ),
        )
        return format_html(
            "<p>{}</p><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "{}</table>",
            gettext("Med start mandag %(date)s:") % {"date": monday.strftime("%d.%m.%Y")},
            gettext("Dag"),
            gettext("Tidspunkt"),
            gettext("Trin"),
            gettext("Type"),
            gettext("Udføres af"),
            rows,
        )

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.fields if f in form.cleaned_data}
        if change:
            saved = services.track_update(actor=request.user, track=obj, **data)
        else:
            saved = services.track_create(actor=request.user, **data)
        obj.pk, obj.version = saved.pk, saved.version

    def save_formset(self, request, form, formset, change):
        """All the inline steps at once, ordered by position, through track_steps_set."""
        if formset.model is not Step:
            return super().save_formset(request, form, formset, change)
        rows = []
        for step_form in formset.forms:
            data = getattr(step_form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if not step_form.instance.pk and not step_form.has_changed():
                continue
            rows.append((data.get("position") or 0, len(rows), step_form, data))
        rows.sort(key=lambda row: (row[0], row[1]))
        index_of = {
            row[2].instance.pk: index for index, row in enumerate(rows) if row[2].instance.pk
        }
        steps = []
        for _position, _order, step_form, data in rows:
            required = data.get("requires")
            steps.append(
                {
                    "id": step_form.instance.pk,
                    **{f: data.get(f) for f in services.STEP_FIELDS},
                    "body": data.get("body") or "",
                    "url": data.get("url") or "",
                    "meet_with": data.get("meet_with") or "",
                    "post_id": data["post"].pk if data.get("post") else None,
                    "requires": index_of.get(required.pk) if required else None,
                    "questions": data.get("quiz_text") or [],
                }
            )
        services.track_steps_set(actor=request.user, track=form.instance, steps=steps)
        # The admin's change message reads these; the service did the writing.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class JourneyStepInline(ReadOnlyAdminMixin, RoleAdminMixin, admin.TabularInline):
    model = JourneyStep
    fields = [
        "due_at",
        "title",
        "kind",
        "doer",
        "doer_user",
        "status",
        "completed_at",
        "best_score",
    ]
    readonly_fields = fields
    ordering = ["due_at", "position"]
    extra = 0
    can_delete = False


@admin.register(Journey)
class JourneyAdmin(ReadOnlyAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    """Running journeys, read-only: assigning and changing happen through the API's services."""

    list_display = ["user", "track", "anchor_date", "status", "done", "overdue"]
    list_filter = ["status", "track"]
    search_fields = ["user__name", "track__name"]
    list_select_related = ["user", "track"]
    readonly_fields = [
        "user",
        "track",
        "track_version",
        "kind",
        "anchor_date",
        "leader",
        "buddy",
        "hr_contact",
        "assigned_by",
        "status",
        "completed_at",
        "progress",
        "hr_actions",
    ]
    fields = readonly_fields
    inlines = [JourneyStepInline]

    def get_urls(self):
        def form_view(form_class):
            return self.admin_site.admin_view(
                lambda request, pk: self.journey_form_view(request, pk, form_class=form_class)
            )

        return [
            *(
                path(f"<int:pk>/{slug}/", form_view(form_class), name=_journey_form_url(slug))
                for slug, form_class in JOURNEY_FORMS.items()
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("fremdrift"))
    def progress(self, journey):
        steps = journey.steps.exclude(status=StepStatus.SKIPPED)
        done = steps.filter(status=StepStatus.DONE).count()
        return gettext("%(done)s af %(total)s trin gennemført") % {
            "done": done,
            "total": steps.count(),
        }

    @admin.display(description=_("HR kan"))
    def hr_actions(self, journey):
        if journey.status != JourneyStatus.ACTIVE:
            return "—"
        links = [
            (f"admin:{_journey_form_url(slug)}", form_class.page_title)
            for slug, form_class in JOURNEY_FORMS.items()
        ]
        return format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            ((reverse(name, args=[journey.pk]), text) for name, text in links),
        )

    def get_queryset(self, request):
        cutoff = timezone.now() - timedelta(days=settings.ONBOARDING_OVERDUE_DAYS)
        return (
            super()
            .get_queryset(request)
            .annotate(
                steps_done=Count("steps", filter=Q(steps__status=StepStatus.DONE)),
                steps_counted=Count("steps", filter=~Q(steps__status=StepStatus.SKIPPED)),
                steps_overdue=Count(
                    "steps", filter=Q(steps__status=StepStatus.OPEN, steps__due_at__lt=cutoff)
                ),
            )
        )

    @admin.display(description=_("gennemført"))
    def done(self, journey):
        return f"{journey.steps_done}/{journey.steps_counted}"

    @admin.display(description=_("forsinkede"), ordering="steps_overdue")
    def overdue(self, journey):
        return journey.steps_overdue

    def journey_form_view(self, request, pk, *, form_class):
        """One journey's HR form: valid input goes to its service, a refusal is a message."""
        _check_role(self, request)
        journey = get_object_or_404(Journey.objects.select_related("user", "track"), pk=pk)
        form = form_class(request.POST or None, journey=journey)
        if request.method == "POST" and form.is_valid():
            try:
                form.apply(actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(request, form.done_message, level=messages.SUCCESS)
                return redirect("admin:onboarding_journey_change", journey.pk)
        title = f"{form_class.page_title}: {journey.user} – {journey.track}"
        return _form_page(self, request, title=title, form=form)


def _journey_form_url(slug: str) -> str:
    return f"onboarding_journey_{slug.replace('-', '_')}"


@admin.action(description=_("Tildel et onboardingforløb"))
def assign_track(modeladmin, request, queryset):
    """The people list's way into the assign page, with the chosen people filled in."""
    people = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
    return redirect(reverse("admin:onboarding_track_assign") + f"?people={people}")


person_action_add(assign_track)
