"""HR's admin: upload the HR file → see the difference → confirm; import history; SCIM clients."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.errors import ApplicationError
from org.admin_base import ReadOnlyAdminMixin, RoleAdminMixin
from org.models import Role

from . import services
from .models import ImportRun, ScimClient
from .planning import CATEGORIES

CATEGORY_LABELS = {
    "new_units": gettext_lazy("Nye enheder"),
    "linked_units": gettext_lazy("Eksisterende enheder der får deres enhedskode"),
    "renamed_units": gettext_lazy("Omdøbte enheder"),
    "moved_units": gettext_lazy("Flyttede enheder"),
    "closed_units": gettext_lazy("Lukkede enheder"),
    "new_hires": gettext_lazy("Nyansatte"),
    "movers": gettext_lazy("Skifter enhed"),
    "leader_changes": gettext_lazy("Ændret ledelsesområde"),
    "contact_changes": gettext_lazy("Ændrede kontaktoplysninger"),
    "other_changes": gettext_lazy("Andre ændringer"),
    "leavers": gettext_lazy("Fratrædende (slutdato)"),
    "returning": gettext_lazy("Genansatte"),
    "missing_leavers": gettext_lazy("Ikke i filen: fratrådte (kræver bekræftelse)"),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Fil fra HR-systemet (CSV eller XLSX)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("Tilstand"),
        choices=ImportRun.Mode.choices,
        initial=ImportRun.Mode.INCREMENTAL,
    )


class ConfirmForm(forms.Form):
    confirm_leavers = forms.BooleanField(
        label=gettext_lazy("Deaktivér personerne der ikke er i filen"), required=False
    )


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "file_name", "mode", "source", "status", "started_by", "summary"]
    list_filter = ["status", "mode", "source"]
    readonly_fields = [
        "created_at",
        "applied_at",
        "started_by",
        "source",
        "file_name",
        "mode",
        "status",
        "leavers_confirmed",
        "counts",
        "error",
    ]
    exclude = ["report"]  # new runs start from the upload page

    @admin.display(description=gettext_lazy("antal"))
    def summary(self, run):
        return ", ".join(f"{k}: {v}" for k, v in run.counts.items() if v)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="hrsync_importrun_upload"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="hrsync_importrun_preview"),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not self._allowed(request):
            raise PermissionDenied

    def upload_view(self, request):
        self._check(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run, _plan = services.import_preview(
                    content=upload.read(),
                    file_name=upload.name,
                    mode=form.cleaned_data["mode"],
                    started_by=request.user,
                    source=ImportRun.Source.ADMIN,
                    keep_content=True,
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("admin:hrsync_importrun_preview", pk=run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importér medarbejdere fra HR"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/hrsync/upload.html", context)

    def preview_view(self, request, pk):
        self._check(request)
        run = get_object_or_404(ImportRun, pk=pk)
        form = ConfirmForm(request.POST or None)
        if request.method == "POST" and run.status == ImportRun.Status.PREVIEW:
            if "discard" in request.POST:
                services.import_discard(run=run)
                self.message_user(request, _("Importen er kasseret."))
                return redirect("admin:hrsync_importrun_changelist")
            if form.is_valid():
                try:
                    run, _plan = services.import_confirm(
                        run=run,
                        confirmed_by=request.user,
                        confirm_leavers=form.cleaned_data["confirm_leavers"],
                    )
                except ApplicationError as exc:
                    self.message_user(request, exc.message, level=messages.ERROR)
                else:
                    self.message_user(request, _("Importen er gennemført."))
                return redirect(reverse("admin:hrsync_importrun_preview", args=[run.pk]))
        changes = [
            (CATEGORY_LABELS[c], run.report.get("changes", {}).get(c, []))
            for c in CATEGORIES
            if run.report.get("changes", {}).get(c)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Forskel mellem HR-filen og Bro"),
            "run": run,
            "changes": changes,
            "refusals": run.report.get("refusals", []),
            "form": form,
            "full": run.mode == ImportRun.Mode.FULL,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/hrsync/preview.html", context)


class ScimClientForm(forms.ModelForm):
    class Meta:
        model = ScimClient
        fields = ["name"]


@admin.register(ScimClient)
class ScimClientAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "token_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["token_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    form = ScimClientForm
    actions = ["revoke"]

    # Provisioning clients can create and deactivate anyone: admins only.
    admin_roles = (Role.ADMIN,)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and obj is None

    def save_model(self, request, obj, form, change):
        client, token = services.scim_client_create(
            name=form.cleaned_data["name"], created_by=request.user
        )
        obj.pk = client.pk
        self.message_user(
            request,
            _(
                "Token til %(name)s (vises kun denne ene gang — kopiér det til Entra ID nu): %(token)s"
            )
            % {"name": client.name, "token": token},
            level=messages.WARNING,
        )

    @admin.action(description=gettext_lazy("Tilbagekald tokenet"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.scim_client_revoke(client=client)
        self.message_user(request, _("Tokenet er tilbagekaldt."))
