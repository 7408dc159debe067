"""Single sign-on views: the maintained client's request and callback views, given the
organisation whose sign-in button was chosen. The state sent to the provider remembers which
organisation it was, so the callback checks the answer against that organisation alone."""

from urllib.parse import parse_qs, urlsplit

import requests
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from careerpath import sso


def _refused(request, message, status=403):
    return render(request, "careerpath/sso_refused.html", {"message": message}, status=status)


@method_decorator(login_not_required, name="dispatch")
class SingleSignOnStart(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs):
        # The parent reads one provider from settings; ours comes from the organisation.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request, slug):
        if request.user.is_authenticated:
            return redirect("careerpath:home")
        organisation = sso.organisation_with_single_sign_on(slug)
        if organisation is None:
            raise Http404("No single sign-on for this organisation")
        try:
            document = sso.discovery(organisation.sso_issuer)
        except sso.DiscoveryFailed:
            return _refused(request, sso.unreachable_message(organisation), status=503)
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = organisation.sso_client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state]["organisation"] = organisation.pk
        request.session.modified = True
        return response


@method_decorator(login_not_required, name="dispatch")
class SingleSignOnCallback(OIDCAuthenticationCallbackView):
    def get(self, request):
        entry = request.session.get("oidc_states", {}).get(request.GET.get("state", "")) or {}
        request.sso_organisation = sso.organisation_by_pk(entry.get("organisation"))
        if request.GET.get("error"):
            super().get(request)  # forgets the state
            return _refused(
                request, "You did not finish signing in with your council's account. Try again."
            )
        try:
            return super().get(request)
        except sso.SignInRefused as refusal:
            sso.record_refusal(organisation=request.sso_organisation, reason=str(refusal))
            return _refused(request, str(refusal))
        except requests.HTTPError:
            # The provider answered but would not complete: a wrong client ID or secret.
            return _refused(request, sso.misconfigured_message(request.sso_organisation), 502)
        except requests.RequestException:
            return _refused(request, sso.unreachable_message(request.sso_organisation), 502)

    def login_failure(self):
        # No code, or a state this browser never started: begin again from the sign-in page.
        return redirect("careerpath:login")
