from django.urls import path

from frameworks import views

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
]
