"""Every label the admin shows is Danish: apps, models, fields, columns, actions, fieldsets.

Walks the admin's registry (and each page's inlines) instead of a list, so a new model or field
without a Danish verbose_name fails here. Two checks: Bro's own labels are marked for
translation (a lazy gettext string, so the English catalogue can carry them), and no label
shown in Danish is English — judged by the words Django would print for an unlabelled field,
which are the English words of the field names themselves.
"""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.db import models
from django.test import RequestFactory
from django.utils import translation
from django.utils.functional import Promise

OWN_APPS = {"org", "content", "onboarding", "surveys", "push", "hrsync"}
# Words of field names that Danish uses as well, so a Danish label may say them.
ALSO_DANISH = {"status", "data", "type", "quiz", "url", "position", "version", "sms", "person"}
ALSO_DANISH |= {"push", "token", "platform", "app", "html", "onboarding", "scim", "hash"}
ALSO_DANISH |= {"podcast", "episode", "lix"}


def _label_sources(model_admin, request):
    """(where, label) for everything the model's admin pages print as a name."""
    model = model_admin.model
    meta = model._meta
    config = apps.get_app_config(meta.app_label)
    yield f"{meta.app_label} (app)", config.verbose_name
    for admin_obj in [model_admin, *model_admin.get_inline_instances(request)]:
        inline_meta = admin_obj.model._meta
        yield f"{inline_meta.label} (model)", inline_meta.verbose_name
        yield f"{inline_meta.label} (model, plural)", inline_meta.verbose_name_plural
        own = inline_meta.app_label in OWN_APPS  # others' fields count where they are shown
        for field in inline_meta.get_fields() if own else []:
            if isinstance(field, models.Field) and not field.auto_created:
                yield f"{inline_meta.label}.{field.name}", field.verbose_name
    for name in model_admin.get_list_display(request):
        if name != "__str__":
            yield f"{meta.label} column {name}", label_for_field(name, model, model_admin)
    for name, action in model_admin.get_actions(request).items():
        yield f"{meta.label} action {name}", action.description
    for title, _options in model_admin.get_fieldsets(request):
        if title:
            yield f"{meta.label} fieldset", title
    for name, form_field in model_admin.get_form(request).base_fields.items():
        yield f"{meta.label} form field {name}", form_field.label


def _all_labels(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model_admin in admin.site._registry.values():
        for where, label in _label_sources(model_admin, request):
            yield model_admin.model._meta.app_label, where, label


def _english_words() -> set[str]:
    words = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            words.update(field.name.lower().split("_"))
        words.update(re.findall(r"[a-z]+", model._meta.model_name))
    return {w for w in words if len(w) > 2} - ALSO_DANISH


@pytest.fixture
def superuser(django_user_model):
    return django_user_model(name="Admin", email="admin@example.dk", is_superuser=True)


def test_bro_s_own_admin_labels_are_marked_for_translation(superuser):
    unmarked = [
        where
        for app_label, where, label in _all_labels(superuser)
        if app_label in OWN_APPS and label and not isinstance(label, Promise)
    ]
    assert unmarked == []


def test_no_admin_label_is_english_in_danish(superuser):
    english = _english_words()
    with translation.override("da"):
        shown = [(where, str(label)) for _app, where, label in _all_labels(superuser) if label]
        header = [str(admin.site.site_header), str(admin.site.site_title)]
    untranslated = [
        (where, text)
        for where, text in shown
        if set(re.findall(r"[a-zæøå]+", re.sub(r"%\(\w+\)s", "", text).lower())) & english
    ]
    assert untranslated == []
    assert header == ["Bro – administration", "Bro – administration"]
