"""A person's own data: ask for a copy of everything careerpath holds about them (a subject
access request), see how it is going, and download it while it is offered."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from careerpath.data_export import (
    OFFERED_FOR,
    DataExportError,
    data_export_is_offered,
    data_export_opened,
    data_export_request,
    exports_of,
)
from careerpath.dates import long_date


def my_data(request):
    exports = list(exports_of(request.user)[:10])
    for export in exports:
        export.offered = data_export_is_offered(export)
        export.requested_on = long_date(export.requested_at)
        export.expires_on = long_date(export.expires_at) if export.expires_at else ""
    return render(
        request,
        "careerpath/my_data.html",
        {
            "exports": exports,
            "in_progress": any(export.ready_at is None for export in exports),
            "offered_days": OFFERED_FOR.days,
        },
    )


@require_POST
def my_data_request(request):
    try:
        data_export_request(person=request.user, actor=request.user)
    except DataExportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "We are preparing your data. It will be ready to download on this page."
        )
    return redirect("careerpath:my-data")


def my_data_download(request, pk):
    """Only the person themselves: anyone else's export, or one no longer offered, is a 404."""
    export = get_object_or_404(exports_of(request.user).select_related("person__organisation"),
                               pk=pk)  # fmt: skip
    if not data_export_is_offered(export):
        raise Http404("This download is no longer available.")
    response = FileResponse(
        data_export_opened(export=export, actor=request.user),
        as_attachment=True,
        filename=f"careerpath-data-{long_date(export.requested_at).replace(' ', '-')}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
