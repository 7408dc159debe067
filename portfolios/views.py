from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from careerpath.permissions import require_staff
from portfolios import selectors, services
from portfolios.forms import EvidenceItemForm, FileReplaceForm, LibraryFilterForm
from portfolios.permissions import (
    can_change_evidence,
    get_evidence_file_for,
    get_evidence_item_for,
)
from portfolios.personal_data import find_personal_data
from portfolios.uploads import file_download_response, limit_upload_size

PAGE_SIZE = 20


def evidence_list(request):
    require_staff(request.user)
    form = LibraryFilterForm(request.GET or None)
    items = selectors.evidence_library_for(user=request.user, filters=form.filters())
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds, total, binned = selectors.evidence_kind_counts_for(user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portfolios/evidence_list.html", {
        "form": form, "page": page, "kinds": kinds, "total": total, "binned": binned,
        "query": query.urlencode(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    })  # fmt: skip


def _save(request, form, item=None):
    """Store the files that pass (so nothing chosen is lost), validate, warn once about what
    looks like a family's details, then save. Returns the item, or None to show the form."""
    staged, refusals = services.evidence_uploads_stage(files=request.FILES.getlist("files"))
    form.add_staged(staged)
    form.is_valid()
    form.add_refusals(refusals)
    if not form.is_valid():
        return None
    values = form.item_values()
    findings = find_personal_data(f"{values['title']}\n\n{values['reflection']}")
    if findings and not form.keeps_personal_data:
        form.personal_data = findings
        return None
    try:
        if item is None:
            return services.evidence_item_create(owner=request.user, files=form.staged, **values)
        return services.evidence_item_update(
            item=item, actor=request.user, files=form.staged,
            saved_version=form.cleaned_data["saved_version"] or None, **values,
        )  # fmt: skip
    except services.EvidenceError as error:
        form.add_error(None, str(error))
        if item is not None:  # the next save is made knowing what is stored now
            item.refresh_from_db(fields=["updated_at"])
            form.data["saved_version"] = item.updated_at.isoformat()
        return None


@limit_upload_size
def evidence_create(request):
    require_staff(request.user)
    post = request.method == "POST"
    form = EvidenceItemForm(
        request.POST.copy() if post else None, request.FILES if post else None, owner=request.user
    )
    if post and (item := _save(request, form)):
        messages.success(request, f"“{item.title}” is in your evidence library")
        return redirect("portfolios:evidence-detail", pk=item.pk)
    return render(request, "portfolios/evidence_create.html", {"form": form})


@limit_upload_size
def evidence_update(request, pk):
    require_staff(request.user)
    item = get_evidence_item_for(request.user, pk, change=True)
    post = request.method == "POST"
    form = EvidenceItemForm(
        request.POST.copy() if post else None, request.FILES if post else None,
        owner=request.user, initial=_initial(item),
    )  # fmt: skip
    if post and (saved := _save(request, form, item)):
        messages.success(request, f"“{saved.title}” is saved")
        return redirect("portfolios:evidence-detail", pk=saved.pk)
    return render(request, "portfolios/evidence_update.html", {"form": form, "item": item})


def _initial(item):
    return {
        "kind": item.kind, "title": item.title, "dated": item.dated,
        "reflection": item.reflection, "case_reference": item.case_reference,
        "is_certificate": item.is_certificate, "saved_version": item.updated_at.isoformat(),
    }  # fmt: skip


def evidence_detail(request, pk):
    require_staff(request.user)
    item = get_evidence_item_for(request.user, pk)
    return render(request, "portfolios/evidence_detail.html", {
        "item": item,
        "files": selectors.evidence_files_of(item=item),
        "links": selectors.evidence_links_of(item=item),
        "can_change": can_change_evidence(request.user, item),
    })  # fmt: skip


@require_POST
def evidence_delete(request, pk):
    require_staff(request.user)
    item = get_evidence_item_for(request.user, pk, change=True)
    services.evidence_item_delete(item=item, actor=request.user)
    messages.success(
        request, f"“{item.title}” is in the bin. You can restore it from there for 90 days."
    )
    return redirect("portfolios:evidence-list")


def evidence_bin(request):
    require_staff(request.user)
    items = selectors.evidence_bin_for(user=request.user)[:200]
    return render(request, "portfolios/evidence_bin.html", {"items": items})


@require_POST
def evidence_restore(request, pk):
    require_staff(request.user)
    item = get_evidence_item_for(request.user, pk, in_bin=True)
    try:
        services.evidence_item_restore(item=item, actor=request.user)
    except services.EvidenceError as error:
        messages.error(request, str(error))
        return redirect("portfolios:evidence-bin")
    messages.success(request, f"“{item.title}” is back in your evidence library")
    return redirect("portfolios:evidence-detail", pk=item.pk)


@limit_upload_size
def evidence_file_replace(request, pk):
    require_staff(request.user)
    evidence_file = get_evidence_file_for(request.user, pk, change=True)
    form = FileReplaceForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if form.is_valid():
        staged, refusals = services.evidence_uploads_stage(files=[form.cleaned_data["file"]])
        try:
            if refusals:
                raise services.EvidenceError(refusals[0])
            services.evidence_file_replace(
                evidence_file=evidence_file, actor=request.user, staged=staged[0]
            )
        except services.EvidenceError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"A new version of “{evidence_file.original_name}” is saved")
            return redirect("portfolios:evidence-detail", pk=evidence_file.item_id)
    return render(request, "portfolios/evidence_file_replace.html", {
        "form": form, "evidence_file": evidence_file, "item": evidence_file.item,
    })  # fmt: skip


def evidence_file_download(request, pk):
    require_staff(request.user)
    evidence_file = get_evidence_file_for(request.user, pk)
    return file_download_response(
        key=evidence_file.storage_key,
        filename=evidence_file.original_name,
        content_type=evidence_file.content_type,
    )
