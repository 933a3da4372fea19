"""Django admin for communications (everything) and HR (staff info pages); saves go through
content.services, and the audience is picked on the post's own form."""

from itertools import chain

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _

from org.admin_base import RoleAdminMixin, ServiceErrorMixin, two_box_field
from org.models import OrgUnit, Role, User

from . import services
from .models import Decision, EventPost, MinutesPost, PagePost, Post, PostKind, PostStatus
from .readability import readability as readability_of


def _job_title_choices():
    titles = (
        User.objects.filter(is_active=True)
        .exclude(job_title="")
        .order_by("job_title")
        .values_list("job_title", flat=True)
        .distinct()
    )
    return [(title, title) for title in titles]


class PostAdminForm(forms.ModelForm):
    """The post plus its audience, as plain choices: all, units, roles, job titles, people."""

    audience_everyone = forms.BooleanField(
        label=_("Alle medarbejdere"), required=False, help_text=_("Hele organisationen.")
    )
    audience_units = two_box_field(
        label=_("Enheder"),
        queryset=OrgUnit.objects.order_by("path"),
        plural=_("enheder"),
        required=False,
    )
    audience_units_subtree = forms.BooleanField(
        label=_("Med underliggende enheder"),
        required=False,
        initial=True,
        help_text=_("Sæt flueben for også at ramme alle enheder under de valgte."),
    )
    audience_roles = forms.MultipleChoiceField(
        label=_("Roller"), choices=Role.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    audience_job_titles = forms.MultipleChoiceField(
        label=_("Stillinger"), required=False,
        widget=FilteredSelectMultiple(_("stillinger"), is_stacked=False),
    )  # fmt: skip
    audience_people = two_box_field(
        label=_("Personer"),
        queryset=User.objects.filter(is_active=True).order_by("name"),
        plural=_("personer"),
        required=False,
    )

    class Meta:
        model = Post
        fields = [*services.POST_FIELDS, *chain(*services.POST_KIND_FIELDS.values())]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_job_titles"].choices = _job_title_choices()
        audience = self.instance.audience if self.instance.pk else None
        if audience is not None:
            spec = services.audience_spec_of(audience)
            self.fields["audience_everyone"].initial = spec.everyone
            self.fields["audience_units"].initial = [unit.pk for unit, _s in spec.units]
            self.fields["audience_units_subtree"].initial = all(s for _u, s in spec.units)
            self.fields["audience_roles"].initial = spec.roles
            self.fields["audience_job_titles"].initial = spec.job_titles
            self.fields["audience_people"].initial = [p.pk for p in spec.people]

    def audience_spec(self) -> services.AudienceSpec | None:
        data = self.cleaned_data
        spec = services.AudienceSpec(
            everyone=data["audience_everyone"],
            units=[(u, data["audience_units_subtree"]) for u in data["audience_units"]],
            roles=list(data["audience_roles"]),
            job_titles=list(data["audience_job_titles"]),
            people=list(data["audience_people"]),
        )
        empty = not (spec.everyone or spec.units or spec.roles or spec.job_titles or spec.people)
        return None if empty else spec


class DecisionInline(RoleAdminMixin, admin.TabularInline):
    model = Decision
    extra = 1
    fields = ["text", "owner", "deadline"]

    # The same people as the minutes themselves (by role, not Django model permissions); a
    # decision row of a draft may be removed.
    admin_roles = (Role.COMMUNICATIONS, Role.ADMIN)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class BasePostAdmin(RoleAdminMixin, ServiceErrorMixin, admin.ModelAdmin):
    """Shared by the per-kind lists. `kind` None: the full list, kind chosen on the form."""

    kind: str | None = None
    form = PostAdminForm
    list_display = ["title", "kind", "status", "author", "unit", "published_at", "pinned"]
    list_filter = ["status", "kind", "requires_acknowledgement", "pinned"]
    search_fields = ["title", "body"]
    list_select_related = ["author", "unit"]
    readonly_fields = ["status", "publish_at", "published_at", "author", "readability"]
    actions = ["publish_now", "archive"]
    # No deleting (the mixin's answer): archive instead, so receipts and reach stay.
    admin_roles = (Role.COMMUNICATIONS, Role.ADMIN)

    def get_queryset(self, request):
        posts = super().get_queryset(request)
        return posts.filter(kind=self.kind) if self.kind else posts

    @admin.display(description=_("LIX (læsbarhed)"))
    def readability(self, obj):
        figures = readability_of(obj)
        if figures["lix"] is None:
            return "–"
        text = _("Tekst: %(lix)s (%(band)s)") % {
            "lix": figures["lix"],
            "band": figures["band_label"],
        }
        if figures["summary_lix"] is not None:
            text += " · " + _("kort fortalt: %(lix)s (%(band)s)") % {
                "lix": figures["summary_lix"],
                "band": figures["summary_band_label"],
            }
        text += " · " + _("mål: %(target)s") % {"target": figures["target"]}
        if figures["needs_plain_summary"]:
            text += " · " + str(_("kræver et kort fortalt inden for målet før udgivelse"))
        return text

    def get_fieldsets(self, request, obj=None):
        kind = self.kind or (obj.kind if obj else None)
        content = [*([] if self.kind or obj else ["kind"]), *services.POST_FIELDS]
        fieldsets = [(None, {"fields": content})]
        if kind in services.POST_KIND_FIELDS:
            fieldsets.append((_("Detaljer"), {"fields": services.POST_KIND_FIELDS[kind]}))
        elif kind is None:
            fieldsets.append(
                (
                    _("Referat og arrangement"),
                    {"fields": [*chain(*services.POST_KIND_FIELDS.values())]},
                )
            )
        fieldsets.append(
            (
                _("Målgruppe"),
                {
                    "description": _(
                        "Vælg hvem opslaget er til. En person får det, hvis blot én af "
                        "reglerne passer."
                    ),
                    "fields": [
                        "audience_everyone",
                        "audience_units",
                        "audience_units_subtree",
                        "audience_roles",
                        "audience_job_titles",
                        "audience_people",
                    ],
                },
            )
        )
        if obj is not None:
            fieldsets.append((_("Udgivelse"), {"fields": self.readonly_fields}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.kind is None and obj is None:
            kwargs["fields"] = ["kind", *PostAdminForm.Meta.fields]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in PostAdminForm.Meta.fields if name in data}
        audience = form.audience_spec()
        if not change:
            kind = self.kind or data["kind"]
            post = services.post_create(author=request.user, kind=kind, audience=audience, **fields)
            obj.pk = post.pk
            obj.refresh_from_db()
        else:
            services.post_update(actor=request.user, post=obj, audience=audience, **fields)

    def save_related(self, request, form, formsets, change):
        # Decisions go through the service with the rest of the draft; nothing else is related.
        for formset in formsets:
            if formset.model is Decision and formset.has_changed():
                decisions = [
                    services.DecisionSpec(
                        text=row["text"], owner=row.get("owner"), deadline=row.get("deadline")
                    )
                    for row in formset.cleaned_data
                    if row and not row.get("DELETE")
                ]
                services.post_update(actor=request.user, post=form.instance, decisions=decisions)
            # The admin's change message reads what formset.save() would have set.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=_("Udgiv nu"))
    def publish_now(self, request, queryset):
        done = self.each_through_service(
            request,
            queryset.filter(status__in=[PostStatus.DRAFT, PostStatus.SCHEDULED]),
            lambda post: services.post_publish(actor=request.user, post=post),
        )
        self.message_user(request, _("%(n)s opslag udgivet.") % {"n": done})

    @admin.action(description=_("Arkivér"))
    def archive(self, request, queryset):
        # A draft is refused with a message: never published, so not archived.
        done = self.each_through_service(
            request, queryset, lambda post: services.post_archive(post=post)
        )
        self.message_user(request, _("%(n)s opslag arkiveret.") % {"n": done})


@admin.register(Post)
class PostAdmin(BasePostAdmin):
    pass


@admin.register(MinutesPost)
class MinutesAdmin(BasePostAdmin):
    kind = PostKind.MINUTES
    inlines = [DecisionInline]


@admin.register(EventPost)
class EventAdmin(BasePostAdmin):
    kind = PostKind.EVENT


@admin.register(PagePost)
class PageAdmin(BasePostAdmin):
    """Staff info pages: HR writes them too."""

    kind = PostKind.PAGE
    admin_roles = (Role.COMMUNICATIONS, Role.ADMIN, Role.HR)
