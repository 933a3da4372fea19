"""The dashboard's pages. Thin: read the ids, call one figure function, render (or print)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import PermissionDeniedError
from cascade import knowledge as cascade_knowledge
from cascade import reporting as cascade_reporting
from cascade import selectors as cascade_selectors
from followup import selectors as followup_selectors
from org.models import OrgUnit, Role
from surveys import selectors as survey_selectors
from surveys.exports import XLSXRenderer
from surveys.results import survey_results

from . import progress, reach, results
from .access import dashboard_page, error_page
from .charts import share_line_chart
from .pdf import pdf_response, render_pdf

JOURNEYS_PER_PAGE = 50
CASCADES_PER_PAGE = 50


def _int_param(request: HttpRequest, name: str) -> int | None:
    """An id from the query string; anything but digits is a page that does not exist."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


def _xlsx_cell(value):
    """Free text that looks like a formula is written as text, as the API's exports do."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx_response(rows: list[tuple], *, filename: str) -> HttpResponse:
    """Rows as an XLSX download, written by the same renderer as the survey exports."""
    return HttpResponse(
        XLSXRenderer().render_rows([tuple(_xlsx_cell(v) for v in row) for row in rows]),
        content_type=XLSXRenderer.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


def _page(
    request: HttpRequest, template: str, context: dict, *, filename: str, xlsx=None
) -> HttpResponse:
    """The page as HTML, or as a PDF download with `?format=pdf` (XLSX with `?format=xlsx`
    where the page has a table to give: `xlsx` makes its rows)."""
    fmt = request.GET.get("format", "html")
    if fmt == "pdf":
        return pdf_response(render_pdf(request, template, context), filename=filename)
    if fmt == "xlsx" and xlsx is not None:
        return _xlsx_response(xlsx(), filename=filename)
    if fmt != "html":
        raise Http404
    return render(request, template, context)


def _scope_unit(request: HttpRequest, unit_id: int | None) -> OrgUnit | None:
    """The unit a page narrows to: 404 unless it is in the viewer's results scope."""
    if unit_id is None:
        return None
    unit = results.scope_units(viewer=request.user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _survey_choice(request: HttpRequest) -> dict:
    surveys = results.surveys_with_waves()
    survey = results.pick_survey(surveys, _int_param(request, "survey"))
    if survey is None and request.GET.get("survey"):
        raise Http404
    waves = list(survey_selectors.waves_of(survey=survey)) if survey else []
    wave_id = _int_param(request, "wave")
    if wave_id is not None and all(w.pk != wave_id for w in waves):
        raise Http404
    return {"surveys": surveys, "survey": survey, "waves": waves, "wave_id": wave_id}


@dashboard_page
def home(request: HttpRequest) -> HttpResponse:
    sections = request.dashboard_sections
    if "results" in sections:
        return redirect("dashboard:area")
    return redirect("dashboard:onboarding" if "onboarding" in sections else "dashboard:reach")


@dashboard_page
def area(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    """Mit område: the viewer's unit tree with the latest results per unit."""
    unit = _scope_unit(request, unit_id)
    context = {"unit": unit, **_survey_choice(request)}
    if context["survey"] is not None:
        context.update(
            results.area_results(
                viewer=request.user, survey=context["survey"], wave_id=context["wave_id"], unit=unit
            )
        )
    return _page(request, "dashboard/area.html", context, filename="mit-omraade")


@dashboard_page
def heatmap(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    """Questions × units for one wave, coloured by favourable share."""
    unit = _scope_unit(request, unit_id)
    context = {"unit": unit, **_survey_choice(request)}
    if context["survey"] is not None:
        context.update(
            results.heatmap(
                viewer=request.user, survey=context["survey"], wave_id=context["wave_id"], unit=unit
            )
        )
    return _page(request, "dashboard/heatmap.html", context, filename="heatmap")


def _pillar_figure(pillar: dict, labels: list[str]) -> dict:
    """One pillar's chart and its numbers as a table: a row per wave, a column per line."""
    lines = [
        ("organisation", _("Hele organisationen"), line, False) for line in pillar["organisation"]
    ]
    lines += [
        (f"unit-{line['unit']['id']}", line["unit"]["name"], line, True) for line in pillar["mine"]
    ]
    chart = share_line_chart(
        x_labels=labels, series=[(name, line["values"], dashed) for _k, name, line, dashed in lines]
    )
    return {
        "pillar": pillar,
        "chart": chart,
        "lines": [(key, name) for key, name, _l, _d in lines],
        # Per wave: each line's (value, state): shown, suppressed or not measured.
        "rows": [
            (label, [(line["values"][i], line["states"][i]) for _k, _n, line, _d in lines])
            for i, label in enumerate(labels)
        ],
    }


@dashboard_page
def core_narrative(request: HttpRequest) -> HttpResponse:
    """Kernefortællingen: knowledge per pillar over time, and the four goals' scorecard."""
    figures = results.core_narrative(viewer=request.user)
    labels = [results.wave_label(w) for w in figures["waves"]]
    charts = [_pillar_figure(pillar, labels) for pillar in figures["pillars"]] if labels else []
    context = {**figures, "charts": charts, "wave_labels": labels}
    return _page(request, "dashboard/core_narrative.html", context, filename="kernefortaellingen")


@dashboard_page
def onboarding(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    """New hires in the viewer's scope with their progress, overdue steps first."""
    unit = None
    if unit_id is not None:
        unit = progress.unit_for_onboarding(viewer=request.user, unit_id=unit_id)
        if unit is None:
            raise Http404
    journeys = progress.new_hires(
        viewer=request.user, now=timezone.now(), unit_id=unit.pk if unit else None
    )
    page = Paginator(journeys, JOURNEYS_PER_PAGE).get_page(request.GET.get("side"))
    context = {
        "unit": unit,
        "page": page,
        "can_see_journeys": "onboarding" in request.dashboard_sections,
    }
    return _page(request, "dashboard/onboarding.html", context, filename="onboarding")


@dashboard_page
def reach_page(request: HttpRequest, post_id: int | None = None) -> HttpResponse:
    """My recent posts, and one post's read and acknowledged share per unit."""
    posts = reach.recent_posts(viewer=request.user)
    selected = post_id if post_id is not None else (posts[0].pk if posts else None)
    figures = reach.reach_of(viewer=request.user, post_id=selected) if selected else None
    if post_id is not None and figures is None:
        raise Http404
    context = {
        "posts": posts,
        "selected": figures,
        "all_posts": request.user.has_role(Role.COMMUNICATIONS, Role.ADMIN),
    }
    return _page(request, "dashboard/reach.html", context, filename="raekkevidde")


def _cascade_reader(request: HttpRequest) -> None:
    """Cascades are for communications and for leaders (their own subtree), as in the API."""
    if "cascade" not in request.dashboard_sections:
        raise PermissionDeniedError(
            _("Kaskader kan ses af Kommunikation og af ledere for deres eget område.")
        )


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _report_rows(report: list) -> list[tuple]:
    rows = [(_("Område"), _("Kaskader"), _("Nået helt ud"), _("Median, timer"))]
    for row in report:
        hours = round(row.median_seconds / 3600, 1) if row.median_seconds is not None else None
        name = row.unit.name if row.unit else _("Uden område")
        rows.append((name, row.cascades, row.completed, hours))
    return rows


@dashboard_page
def cascades(request: HttpRequest) -> HttpResponse:
    """Kaskade: the cascades the viewer may follow and, for communications, the report: the
    median time from start to the last employee, per area."""
    _cascade_reader(request)
    summaries = cascade_reporting.cascade_summaries(viewer=request.user)
    report = (
        cascade_reporting.area_report() if cascade_reporting.sees_report(request.user) else None
    )
    context = {
        "page": Paginator(summaries, CASCADES_PER_PAGE).get_page(request.GET.get("side")),
        "report": report,
    }
    xlsx = (lambda: _report_rows(report)) if report is not None else None
    return _page(request, "dashboard/cascades.html", context, filename="kaskader", xlsx=xlsx)


def _cascade_rows(tree) -> list[tuple]:
    rows = [
        (
            _("Niveau"),
            _("Enhed"),
            _("Leder"),
            _("Modtaget"),
            _("Givet videre"),
            _("Læst"),
            _("Bekræftet"),
            _("Fortalt på møde"),
            _("Deltagere"),
            _("Frist"),
            _("Forsinket"),
            _("Status"),
        )
    ]
    for row in tree.rows:
        task = row.task
        rows.append(
            (
                task.level.number + 1,
                task.unit.name,
                task.leader.name if task.leader else None,
                _local(task.received_at),
                _local(task.passed_on_at),
                task.read_count,
                task.acknowledged_count,
                task.told_on,
                task.attendance,
                _local(task.level.deadline),
                _("ja") if task.overdue else _("nej"),
                _unit_status(row),
            )
        )
    return rows


def _unit_status(row) -> str:
    """Where a unit stands, in words (the page never says it with colour alone)."""
    task = row.task
    if row.broken:
        return _("Kæden er brudt her: fristen er overskredet")
    if task.passed_on_at is not None:
        return _("Givet videre")
    if not row.not_reached:
        return _("Modtaget, i gang")
    if row.broken_above is not None:
        return _("Ikke nået: kæden er brudt ved %(unit)s") % {"unit": row.broken_above.unit.name}
    return _("Ikke nået endnu")


def _cascade_knowledge(request: HttpRequest, found) -> dict | None:
    """The pillar's knowledge index before and after, as the API's knowledge block gives it;
    for those who read survey results only (HR and admins follow a cascade without them)."""
    if not found.pillar or "results" not in request.dashboard_sections:
        return None
    knowledge = cascade_knowledge.pillar_knowledge(viewer=request.user, cascade=found)
    for unit in knowledge["units"]:
        unit["cells"] = [
            {"state": state, "percent": None if value is None else value * 100}
            for value, state in zip(unit["values"], unit["states"], strict=True)
        ]
    return knowledge


@dashboard_page
def cascade(request: HttpRequest, cascade_id: int) -> HttpResponse:
    """One cascade as a tree over the viewer's subtree, with the API's progress numbers."""
    _cascade_reader(request)
    found = cascade_selectors.cascade_get(viewer=request.user, cascade_id=cascade_id)
    tree = cascade_reporting.progress_tree(viewer=request.user, cascade=found)
    for row in tree.rows:
        row.status = _unit_status(row)
    context = {"cascade": found, "tree": tree, "knowledge": _cascade_knowledge(request, found)}
    return _page(
        request,
        "dashboard/cascade.html",
        context,
        filename=f"kaskade-{found.pk}",
        xlsx=lambda: _cascade_rows(tree),
    )


@dashboard_page
def followup_page(request: HttpRequest) -> HttpResponse:
    """Communications: per area, how many leaders followed up on a wave, and how fast."""
    if "followup" not in request.dashboard_sections:
        return error_page(request, status=403, message=_("Opfølgningen er for Kommunikation."))
    waves = list(followup_selectors.waves_with_followups())
    wave_id = _int_param(request, "wave")
    wave = (
        waves[0] if waves and wave_id is None else next((w for w in waves if w.pk == wave_id), None)
    )
    if wave_id is not None and wave is None:
        raise Http404
    context = {
        "waves": waves,
        "wave": wave,
        "areas": followup_selectors.followup_by_area(wave=wave) if wave else [],
    }
    return _page(request, "dashboard/followup.html", context, filename="opfoelgning")


@dashboard_page
def results_xlsx(request: HttpRequest, survey_id: int) -> HttpResponse:
    """A survey's results as the API's XLSX export: the same rows, the same suppression."""
    survey = survey_selectors.survey_for_results(survey_id=survey_id)
    if survey is None:
        raise Http404
    data = survey_results(
        survey=survey,
        viewer=request.user,
        wave_id=_int_param(request, "wave"),
        unit_id=_int_param(request, "unit"),
    )
    return HttpResponse(
        XLSXRenderer().render(data),
        content_type=XLSXRenderer.media_type,
        headers={"Content-Disposition": f'attachment; filename="resultater-{survey.pk}.xlsx"'},
    )
