"""The organisation administrator's pages: the council's people, one person's roles, managers,
employment facts and level history (with roles given and removed, each with a reason), and the
audit trail with its export. Another council's people answer 404; anyone but the council's
administrator gets 403."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from careerpath import people_admin
from careerpath.forms_people import AuditFilterForm, PeopleFilterForm, RoleGrantForm, RoleRemoveForm

PAGE_SIZE = 50


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _paged(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "query": _query_without_page(request),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }


def people(request):
    people_admin.require_organisation_admin(request.user)
    form = PeopleFilterForm(request.GET or None, organisation=request.user.organisation)
    rows = people_admin.people_list(user=request.user, filters=form.filters())
    return render(request, "careerpath/people_list.html", {"form": form, **_paged(request, rows)})


def _person_page(request, person, grant_form=None):
    roles = people_admin.person_roles(person)
    return render(request, "careerpath/people_detail.html", {
        "person": person,
        "roles": roles,
        "managers": (
            ("Line manager", person.line_manager),
            ("Practice supervisor", person.practice_supervisor),
            ("Team manager", person.team_manager),
        ),
        "level_history": people_admin.person_level_history(person),
        "grant_form": grant_form or RoleGrantForm(choices=people_admin.roles_to_grant(roles)),
    })  # fmt: skip


def person(request, pk):
    people_admin.require_organisation_admin(request.user)
    return _person_page(request, people_admin.get_person_for_admin(request.user, pk))


@require_POST
def person_role_grant(request, pk):
    people_admin.require_organisation_admin(request.user)
    person = people_admin.get_person_for_admin(request.user, pk)
    roles = people_admin.person_roles(person)
    form = RoleGrantForm(request.POST, choices=people_admin.roles_to_grant(roles))
    if form.is_valid():
        try:
            membership = people_admin.role_grant(
                person=person, role=form.cleaned_data["role"],
                reason=form.cleaned_data["reason"], actor=request.user,
            )  # fmt: skip
        except people_admin.RoleChangeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{_name(person)} is now {membership.get_role_display().lower()}"
            )
            return redirect("careerpath:person", pk=person.pk)
    return _person_page(request, person, grant_form=form)


def person_role_remove(request, pk, membership_pk):
    people_admin.require_organisation_admin(request.user)
    person = people_admin.get_person_for_admin(request.user, pk)
    membership = people_admin.get_membership_for_admin(request.user, person, membership_pk)
    form = RoleRemoveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            removed = people_admin.role_remove(
                membership=membership, reason=form.cleaned_data["reason"], actor=request.user
            )
        except people_admin.RoleChangeError as refused:
            form.add_error(None, str(refused))
        else:
            role = membership.get_role_display().lower()
            if removed:
                messages.success(request, f"{_name(person)} is no longer {role}")
            else:
                messages.info(request, f"{_name(person)} was no longer {role} already")
            return redirect("careerpath:person", pk=person.pk)
    return render(request, "careerpath/people_role_remove.html", {
        "person": person, "membership": membership, "form": form,
    })  # fmt: skip


def _name(person):
    return person.get_full_name() or person.username


def _audit_form(request):
    actions = people_admin.audit_actions(user=request.user)
    return AuditFilterForm(request.GET or None, actions=actions)


def audit(request):
    people_admin.require_organisation_admin(request.user)
    form = _audit_form(request)
    rows = people_admin.audit_events(user=request.user, filters=form.filters())
    return render(request, "careerpath/audit_list.html", {"form": form, **_paged(request, rows)})


def audit_csv(request):
    people_admin.require_organisation_admin(request.user)
    filters = _audit_form(request).filters()
    rows = people_admin.audit_csv_rows(user=request.user, filters=filters)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    name = f"audit-trail-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
