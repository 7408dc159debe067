"""The reports for progression coordinators and HR: an index, and each report as a chart, a table
of the same figures and a CSV download of them."""

import csv

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from careerpath.permissions import require_staff
from panels.charts import report_chart
from panels.reports import REPORTS, Period, may_read_reports, report_for


class PeriodForm(forms.Form):
    """The period a report covers, from the query string; the last 12 months when none is given."""

    start = forms.DateField(
        label="From", input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period must be on or after its start")
        return cleaned


def _period(request):
    """(form, period): the period asked for, or the last 12 months with the form's errors."""
    default = Period.last_12_months()
    if "start" not in request.GET and "end" not in request.GET:
        form = PeriodForm(
            initial={"start": f"{default.start:%Y-%m-%d}", "end": f"{default.end:%Y-%m-%d}"}
        )
        return form, default
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, default


def _require_report_reader(user):
    require_staff(user)
    if not may_read_reports(user):
        raise PermissionDenied


def report_index(request):
    _require_report_reader(request.user)
    return render(request, "panels/report_index.html", {
        "reports": [(slug, title) for slug, (title, _) in REPORTS.items()],
    })  # fmt: skip


def report_detail(request, slug):
    _require_report_reader(request.user)
    if slug not in REPORTS:
        raise Http404
    form, period = _period(request)
    report = report_for(slug, organisation=request.user.organisation, period=period)
    if request.GET.get("format") == "csv":
        return _csv(report, period)
    return render(request, "panels/report_detail.html", {
        "report": report, "chart": report_chart(report), "period": period, "form": form,
        "csv_query": f"format=csv&start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}",
    })  # fmt: skip


def _csv_cell(text):
    """A cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _csv(report, period):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{report.slug}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(report.headers)
    for row in report.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return response
