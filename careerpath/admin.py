from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from careerpath.models import (
    AuditEvent,
    LevelHistory,
    Notification,
    Organisation,
    RoleMembership,
    Team,
    User,
)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class OrganisationForm(forms.ModelForm):
    """The single sign-on client secret is never shown again once saved: left blank, the
    secret already held is kept."""

    sso_client_secret = forms.CharField(
        label="Single sign-on client secret",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave blank to keep the secret already saved.",
    )

    sso_issuer = forms.URLField(
        label="Single sign-on issuer", required=False, max_length=300, assume_scheme="https",
        help_text="Microsoft Entra ID: https://login.microsoftonline.com/<tenant>/v2.0",
    )  # fmt: skip

    class Meta:
        model = Organisation
        fields = [
            "name", "slug", "sso_issuer", "sso_client_id", "sso_client_secret",
            "retention_years_after_decision", "retention_years_after_leaving",
        ]  # fmt: skip

    def clean_sso_client_secret(self):
        secret = self.cleaned_data.get("sso_client_secret", "")
        return secret or (self.instance.sso_client_secret if self.instance.pk else "")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline]


class RoleMembershipInline(admin.TabularInline):
    model = RoleMembership
    fk_name = "user"
    extra = 0


class LevelHistoryInline(admin.TabularInline):
    model = LevelHistory
    extra = 0


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "team", "job_title"]
    list_filter = ["organisation", "contract_type", "is_active"]
    list_select_related = ["organisation", "team"]
    search_fields = ["username", "first_name", "last_name", "email", "employee_number"]
    autocomplete_fields = ["line_manager", "practice_supervisor", "team_manager"]
    inlines = [RoleMembershipInline, LevelHistoryInline]
    fieldsets = UserAdmin.fieldsets + (
        (
            "Employment",
            {
                "fields": [
                    "organisation",
                    "employee_number",
                    "job_title",
                    "team",
                    "line_manager",
                    "practice_supervisor",
                    "team_manager",
                    "contract_type",
                    "swe_registration_number",
                    "swe_registration_date",
                    "qualification_date",
                    "asye_completed",
                ]
            },
        ),
        # A legal hold stops the retention purge for this person (careerpath.retention).
        ("Retention", {"fields": ["left_on", "legal_hold", "legal_hold_reason"]}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_repr", "organisation"]
    list_filter = ["organisation", "action"]
    list_select_related = ["actor", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "read_at", "emailed_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
