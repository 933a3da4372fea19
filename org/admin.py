"""Django admin for HR: units, people, roles and leader scopes — every save through services."""

from allauth.socialaccount.admin import SocialAccountAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import erasure, services
from . import models as org_models
from .admin_base import ReadOnlyAdminMixin, RoleAdminMixin, ServiceErrorMixin
from .models import AccessLog, Audience, OrgUnit, Role, User


@admin.register(OrgUnit)
class OrgUnitAdmin(RoleAdminMixin, ServiceErrorMixin, admin.ModelAdmin):
    list_display = ["tree_name", "kind", "parent", "active_members"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "parent"]
    autocomplete_fields = ["parent"]
    list_per_page = 200

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(member_total=Count("members"))
            .order_by("path")
        )

    @admin.display(description=_("enhed"), ordering="path")
    def tree_name(self, unit):
        return format_html('<span style="padding-left:{}em">{}</span>', unit.depth * 1.5, unit.name)

    @admin.display(description=_("medarbejdere"), ordering="member_total")
    def active_members(self, unit):
        return unit.member_total

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.unit_create(
                name=data["name"], kind=data["kind"], parent=data["parent"]
            )
            obj.pk, obj.path = created.pk, created.path
            return
        services.unit_update(unit=obj, name=data["name"], kind=data["kind"])
        if "parent" in form.changed_data:
            services.unit_move(unit=obj, new_parent=data["parent"])


class UserAdminForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roller"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    leads_units = forms.ModelMultipleChoiceField(
        label=_("leder af enheder"), queryset=OrgUnit.objects.order_by("path"), required=False
    )

    class Meta:
        model = User
        fields = [*services.USER_FIELDS, "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_set)
            self.fields["leads_units"].initial = [s.unit_id for s in self.instance.scopes.all()]


@admin.register(User)
class UserAdmin(RoleAdminMixin, ServiceErrorMixin, admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["name", "email", "phone", "employee_number", "job_title", "unit", "is_active"]
    list_filter = ["is_active", "roles__role", "unit__kind", "language"]
    search_fields = ["name", "email", "phone", "employee_number", "job_title", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["invited_at", "date_joined", "updated_at", "erased_at"]
    actions = ["erase_selected"]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["name", "email", "phone", "employee_number"]}),
            (_("Ansættelse"), {"fields": ["job_title", "unit", "start_date", "end_date"]}),
            (_("Adgang"), {"fields": ["is_active", "roles", "leads_units", "language"]}),
            (
                _("Historik"),
                {"fields": ["invited_at", "date_joined", "updated_at", "erased_at"]},
            ),
        ]

    @admin.action(description=_("Slet personoplysninger (anonymisér) for de valgte personer"))
    def erase_selected(self, request, queryset):
        erased = self.each_through_service(
            request,
            queryset.filter(erased_at__isnull=True),
            lambda person: erasure.user_erase(actor=request.user, user=person),
        )
        self.message_user(
            request, _("%(n)s personer er anonymiseret.") % {"n": erased}, level=messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in services.USER_FIELDS}
        if not change:
            user = services.user_invite(invited_by=request.user, roles=data["roles"], **fields)
            obj.pk = user.pk
        else:
            user = User.objects.get(pk=obj.pk)
            services.user_update(actor=request.user, user=user, **fields)
            if data["is_active"] != user.is_active:
                toggle = services.user_reactivate if data["is_active"] else services.user_deactivate
                toggle(user=user)
            services.user_roles_set(actor=request.user, user=user, roles=data["roles"])
        if Role.LEADER in data["roles"] or data["leads_units"]:
            services.leader_scope_set(leader=user, units=data["leads_units"])

    def save_related(self, request, form, formsets, change):
        # Roles and scopes are saved by the services in save_model; nothing else is related.
        return None


def person_action_add(action) -> None:
    """Offer another app's action in the people list (onboarding: assign a track)."""
    UserAdmin.actions = [*UserAdmin.actions, action]


class AudienceUnitInline(admin.TabularInline):
    model = org_models.AudienceUnit
    extra = 0
    autocomplete_fields = ["unit"]


class AudienceRoleInline(admin.TabularInline):
    model = org_models.AudienceRole
    extra = 0


class AudienceJobTitleInline(admin.TabularInline):
    model = org_models.AudienceJobTitle
    extra = 0


@admin.register(Audience)
class AudienceAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "everyone", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["people"]
    inlines = [AudienceUnitInline, AudienceRoleInline, AudienceJobTitleInline]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by org.services.access_log_record and never edited."""

    list_display = ["at", "actor", "subject", "what", "purpose"]
    list_filter = ["what"]
    search_fields = ["actor__name", "subject__name", "purpose"]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "at"


# Identity providers come from the environment (org.social_adapter.list_apps) and provider
# tokens are not stored: only the work-account links stay, for IT to remove a stale one.
# allauth's own list of sessions is left out: it speaks English, and a person's sessions end
# through org.services (deactivation, erasure), not by hand.
for _model in (SocialApp, SocialToken, SocialAccount, UserSession):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(SocialAccount)
class WorkAccountAdmin(SocialAccountAdmin):
    """allauth's work-account links, with Danish names for its unlabelled fields."""

    LABELS = {"user": _("person"), "uid": _("konto-id hos udbyderen")}
    list_display = ["person", "account_id", "provider"]

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, labels=self.LABELS, **kwargs)

    @admin.display(description=LABELS["user"], ordering="user__name")
    def person(self, account):
        return account.user

    @admin.display(description=LABELS["uid"], ordering="uid")
    def account_id(self, account):
        return account.uid
