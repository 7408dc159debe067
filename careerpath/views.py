from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from careerpath import selectors, services, sign_in
from careerpath.forms import SignInForm
from careerpath.permissions import get_notification_for


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "careerpath/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, single_sign_on=sign_in.single_sign_on_choices())


def home(request):
    return render(
        request,
        "careerpath/home.html",
        {
            "sections": selectors.home_sections_for(user=request.user),
            "unread_count": selectors.unread_notification_count(user=request.user),
        },
    )


@login_not_required
def accessibility_statement(request):
    return render(request, "careerpath/accessibility.html")


def notification_list(request):
    notifications = selectors.notifications_for(user=request.user)[:100]
    return render(request, "careerpath/notification_list.html", {"notifications": notifications})


def notification_open(request, pk):
    """Mark a notification as read and go where it points."""
    notification = get_notification_for(request.user, pk)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return render(request, "careerpath/notification_detail.html", {"notification": notification})


@require_POST
def notification_mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return redirect("careerpath:notification-list")


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors beyond the plain template: the database may be the thing that failed.
    return render(request, "500.html", status=500)
