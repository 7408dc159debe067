from django.urls import path

from frameworks import views, views_authoring, views_authoring_rules

app_name = "frameworks"

urlpatterns = [
    path("", views.catalogue, name="framework-list"),
    path("search/", views.criteria_search, name="criteria-search"),
    path("<int:pk>/", views.framework_detail, name="framework-detail"),
    path("<int:pk>/compare/", views.level_compare, name="level-compare"),
    path("<int:pk>/changes/", views.framework_compare_versions, name="framework-changes"),
    path("<int:pk>/publish/", views.framework_publish, name="framework-publish"),
    path("<int:pk>/retire/", views.framework_retire, name="framework-retire"),
    path("<int:pk>/copy/", views.framework_copy, name="framework-copy"),
    path("roles/<int:pk>/", views.role_detail, name="role-detail"),
    path("routes/<int:pk>/", views.route_detail, name="route-detail"),
    path("standards/<slug:code>/", views.standard_set_detail, name="standard-set-detail"),
    path("self-assessment/", views.self_assessment_start, name="self-assessment-start"),
    path("self-assessment/<int:level_pk>/", views.self_assessment, name="self-assessment"),
    path(
        "self-assessment/<int:level_pk>/plans/<int:plan_pk>/",
        views.self_assessment,
        name="self-assessment-update",
    ),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/share/", views.plan_share, name="plan-share"),
    path("plans/<int:pk>/shared/", views.shared_plan_detail, name="shared-plan-detail"),
    # Writing a draft on its own pages (views_authoring).
    path("drafts/new/", views_authoring.framework_new, name="framework-new"),
    path("drafts/<int:pk>/", views_authoring.draft, name="draft"),
    path("drafts/<int:pk>/details/", views_authoring.draft_details, name="draft-details"),
    path("drafts/<int:pk>/roles/", views_authoring.draft_roles, name="draft-roles"),
    path("drafts/<int:pk>/roles/add/", views_authoring.draft_role, name="draft-role-add"),
    path(
        "drafts/<int:pk>/roles/<int:part_pk>/", views_authoring.draft_role, name="draft-role-edit"
    ),
    path(
        "drafts/<int:pk>/roles/<int:part_pk>/levels/",
        views_authoring.draft_levels,
        name="draft-levels",
    ),
    path(
        "drafts/<int:pk>/roles/<int:part_pk>/levels/add/",
        views_authoring.draft_level_add,
        name="draft-level-add",
    ),
    path(
        "drafts/<int:pk>/levels/<int:part_pk>/",
        views_authoring.draft_level_edit,
        name="draft-level-edit",
    ),
    path(
        "drafts/<int:pk>/levels/<int:part_pk>/criteria/",
        views_authoring.draft_criteria,
        name="draft-criteria",
    ),
    path(
        "drafts/<int:pk>/levels/<int:part_pk>/criteria/add/",
        views_authoring.draft_criterion_add,
        name="draft-criterion-add",
    ),
    path(
        "drafts/<int:pk>/criteria/<int:part_pk>/",
        views_authoring.draft_criterion_edit,
        name="draft-criterion-edit",
    ),
    path(
        "drafts/<int:pk>/<str:kind>/<int:part_pk>/move/",
        views_authoring.draft_part_move,
        name="draft-part-move",
    ),
    path(
        "drafts/<int:pk>/<str:kind>/<int:part_pk>/remove/",
        views_authoring.draft_part_remove,
        name="draft-part-remove",
    ),
    path("drafts/<int:pk>/preview/", views_authoring.draft_preview, name="draft-preview"),
    path(
        "drafts/<int:pk>/preview/roles/<int:part_pk>/",
        views_authoring.draft_preview_role,
        name="draft-preview-role",
    ),
    path(
        "drafts/<int:pk>/preview/routes/<int:part_pk>/",
        views_authoring.draft_preview_route,
        name="draft-preview-route",
    ),
    path("drafts/<int:pk>/publish/", views_authoring.draft_publish, name="draft-publish"),
    # A draft's rules, as typed fields with the sentence a worker reads (views_authoring_rules).
    path("drafts/<int:pk>/rules/", views_authoring_rules.draft_rule_index, name="draft-rule-index"),
    path("drafts/<int:pk>/rules/reading/", views_authoring_rules.rule_reading, name="rule-reading"),
    path(
        "drafts/<int:pk>/rules/<int:rule_pk>/",
        views_authoring_rules.draft_rule_edit,
        name="draft-rule-edit",
    ),
    path(
        "drafts/<int:pk>/rules/<int:rule_pk>/delete/",
        views_authoring_rules.draft_rule_delete,
        name="draft-rule-delete",
    ),
    path(
        "drafts/<int:pk>/<slug:owner>/<int:part_pk>/rules/",
        views_authoring_rules.draft_rules,
        name="draft-rules",
    ),
    path(
        "drafts/<int:pk>/<slug:owner>/<int:part_pk>/rules/add/",
        views_authoring_rules.draft_rule_add,
        name="draft-rule-add",
    ),
]
