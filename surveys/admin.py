"""Django admin for communications and HR: surveys and questions, waves read-only.

Surveys are saved through the services; questions and options are edited here only while the
survey has never run (after that its answers depend on them).
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from org.admin_base import ReadOnlyAdminMixin, RoleAdminMixin, ServiceErrorMixin
from org.models import Role

from . import services
from .models import Option, Question, Strategy, StrategyGoal, StrategyPillar, Survey, Wave
from .strategy import strategy_activate


class SurveyAuthorMixin(RoleAdminMixin):
    """Open to communications, HR and admins (the roles), not only to Django superusers."""

    admin_roles = (Role.COMMUNICATIONS, Role.HR, Role.ADMIN)


def _has_run(survey_id) -> bool:
    return bool(survey_id) and Wave.objects.filter(survey_id=survey_id).exists()


class UntilFirstRunInline(admin.TabularInline):
    """Rows editable while their survey has never run; `obj` is the inline's parent."""

    def survey_id_of(self, parent) -> int:
        raise NotImplementedError

    def _editable(self, request, obj=None) -> bool:
        return obj is None or not _has_run(self.survey_id_of(obj))

    has_add_permission = has_change_permission = has_delete_permission = _editable


class QuestionInline(UntilFirstRunInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "text", "indicator", "custom_indicator", "pillar"]
    show_change_link = True

    def survey_id_of(self, parent) -> int:
        return parent.pk


@admin.register(Survey)
class SurveyAdmin(SurveyAuthorMixin, ServiceErrorMixin, admin.ModelAdmin):
    list_display = ["title", "recurrence", "first_opens_at", "is_active", "anonymous", "waves"]
    list_filter = ["recurrence", "is_active", "anonymous"]
    search_fields = ["title"]
    inlines = [QuestionInline]
    actions = ["copy_surveys"]
    fields = services.SURVEY_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(wave_total=Count("waves"))

    @admin.display(description=_("runder"), ordering="wave_total")
    def waves(self, survey):
        return survey.wave_total

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            services.survey_update(survey=obj, **data)
        else:
            obj.pk = services.survey_create(created_by=request.user, **data).pk

    @admin.action(description=_("Kopiér som ny undersøgelse"))
    def copy_surveys(self, request, queryset):
        for survey in queryset:
            services.survey_create(
                created_by=request.user,
                title=_("Kopi af %(title)s") % {"title": survey.title},
                intro=survey.intro,
                anonymous=survey.anonymous,
                audience=survey.audience,
                recurrence=survey.recurrence,
                open_days=survey.open_days,
                questions=services.survey_questions_spec(survey=survey),
            )


class OptionInline(UntilFirstRunInline):
    model = Option
    extra = 0
    fields = ["position", "text", "is_correct"]

    def survey_id_of(self, parent) -> int:
        return parent.survey_id


@admin.register(Question)
class QuestionAdmin(SurveyAuthorMixin, admin.ModelAdmin):
    list_display = ["text", "survey", "position", "kind", "indicator", "pillar"]
    list_filter = ["kind", "indicator"]
    list_select_related = ["survey"]
    inlines = [OptionInline]

    def has_module_permission(self, request):
        return False  # reached from its survey

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and _has_run(obj.survey_id)
        )


@admin.register(Wave)
class WaveAdmin(ReadOnlyAdminMixin, SurveyAuthorMixin, admin.ModelAdmin):
    list_display = ["survey", "number", "opens_at", "closes_at", "status", "invited_count"]
    list_filter = ["status"]
    list_select_related = ["survey"]
    readonly_fields = [f.name for f in Wave._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- The communication strategy -------------------------------------------------------------


class StrategyPartInline(RoleAdminMixin):
    """A strategy's pillars and goals: communications and admins edit them, HR reads."""

    admin_roles = (Role.COMMUNICATIONS, Role.HR, Role.ADMIN)
    change_roles = (Role.COMMUNICATIONS, Role.ADMIN)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, self.change_roles)


class StrategyPillarInline(StrategyPartInline, admin.TabularInline):
    model = StrategyPillar
    extra = 0
    fields = ["position", "key", "name", "question", "answer", "wrong_answers"]


class StrategyGoalInline(StrategyPartInline, admin.TabularInline):
    model = StrategyGoal
    extra = 0
    fields = [
        "position",
        "key",
        "name",
        "statement",
        "is_narrative",
        "target_value",
        "target_date",
    ]


@admin.register(Strategy)
class StrategyAdmin(SurveyAuthorMixin, admin.ModelAdmin):
    """The strategy is communications' (and admins'): HR reads it, does not change it.

    Which strategy is active changes only through `strategy_activate` (the action), so there
    is never a moment with two; the rows themselves are validated by the forms' full_clean.
    """

    list_display = ["name", "municipality", "narrative_title", "is_active"]
    readonly_fields = ["is_active"]
    inlines = [StrategyPillarInline, StrategyGoalInline]
    actions = ["activate"]

    change_roles = (Role.COMMUNICATIONS, Role.ADMIN)

    @admin.action(description=_("Gør til den aktive strategi"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Vælg netop én strategi."), level=messages.ERROR)
            return
        strategy_activate(strategy=queryset.get())
