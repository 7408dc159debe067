"""Staff import for the organisation administrator: upload the HR system's staff extract, read
the preview, and confirm it. Only the administrator of the council (403 for others); another
council's imports do not exist (404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from careerpath.forms_staff_import import StaffFileForm
from careerpath.models import StaffImport
from careerpath.people_admin import require_organisation_admin
from careerpath.staff_import import StaffImportError, staff_import_apply, staff_import_preview

RECENT = 10


def get_staff_import_for(user, pk):
    staff_import = (
        StaffImport.objects.filter(pk=pk, organisation_id=user.organisation_id)
        .select_related("uploaded_by", "organisation")
        .first()
    )
    if staff_import is None:
        raise Http404
    return staff_import


def staff_import(request):
    require_organisation_admin(request.user)
    form = StaffFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            previewed = staff_import_preview(
                organisation=request.user.organisation,
                uploaded_by=request.user,
                file_name=upload.name,
                content=upload.read(),
            )
        except StaffImportError as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("careerpath:staff-import-preview", pk=previewed.pk)
    recent = StaffImport.objects.filter(organisation_id=request.user.organisation_id).defer(
        "summary", "problems"
    )[:RECENT]
    return render(request, "careerpath/staff_import.html", {"form": form, "recent": recent})


def staff_import_preview_page(request, pk):
    require_organisation_admin(request.user)
    staff_import = get_staff_import_for(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            staff_import_apply(staff_import=staff_import, actor=request.user)
        except StaffImportError as refused:
            error = str(refused)
        else:
            messages.success(request, f"{staff_import.file_name} is imported")
            return redirect("careerpath:staff-import-preview", pk=staff_import.pk)
    summary = staff_import.summary
    context = {
        "staff_import": staff_import,
        "summary": summary,
        "error": error,
        "can_confirm": staff_import.status == StaffImport.Status.PREVIEWED
        and not staff_import.problems,
        "more_new": summary.get("new", 0) - len(summary.get("new_people", [])),
        "more_changes": summary.get("changed", 0) - len(summary.get("changed_people", [])),
        "more_leavers": summary.get("leavers", 0) - len(summary.get("leaving_people", [])),
    }
    return render(
        request, "careerpath/staff_import_preview.html", context, status=400 if error else 200
    )
