from django.urls import path

from .urls_agreements import urlpatterns as agreements_patterns
from .urls_cases import urlpatterns as cases_patterns
from .urls_codebook import urlpatterns as codebook_patterns
from .urls_directory import urlpatterns as directory_patterns
from .urls_missing import urlpatterns as missing_patterns
from .urls_needs import urlpatterns as needs_patterns
from .urls_plans import urlpatterns as plans_patterns
from .urls_reports import urlpatterns as reports_patterns
from .urls_taskforce import urlpatterns as taskforce_patterns
from .urls_timeline import urlpatterns as timeline_patterns
from .urls_training import urlpatterns as training_patterns
from .views import agency_policy, audit, auth, home, mfa, organizations, protocols, session, users

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("login", auth.login_view, name="login"),
    path("logout", auth.logout_view, name="logout"),
    path("password/set/<str:uidb64>/<str:token>", auth.password_set, name="password_set"),
    path("mfa/", mfa.mfa_entry, name="mfa"),
    path("mfa/enrol", mfa.mfa_enrol, name="mfa_enrol"),
    path("mfa/verify", mfa.mfa_verify, name="mfa_verify"),
    path("mfa/recovery-codes", mfa.recovery_codes, name="recovery_codes"),
    path("session/", session.session_status, name="session"),
    path("keepalive", session.keepalive, name="keepalive"),
    path("org/users", users.user_list, name="org_users"),
    path("org/users/add", users.user_add, name="user_add"),
    path("org/users/<int:user_id>/role", users.user_role, name="user_role"),
    path("org/users/<int:user_id>/active", users.user_active, name="user_active"),
    path("org/users/<int:user_id>/unlock", users.user_unlock, name="user_unlock"),
    path("org/users/<int:user_id>/reset-mfa", users.user_reset_mfa, name="user_reset_mfa"),
    path("org/audit", audit.org_audit, name="org_audit"),
    path("organizations/", organizations.organization_list, name="organizations"),
    path("organizations/new", organizations.organization_new, name="organization_new"),
    path("org/policy", agency_policy.agency_policy_page, name="agency_policy"),
    path("audit/youth/<int:youth_id>", audit.youth_audit, name="youth_audit"),
    path("protocols/", protocols.browser, name="protocols"),
    path("protocols/<slug:pack>/<slug:instrument>/", protocols.preview, name="protocol_preview"),
    path(
        "protocols/<slug:pack>/<slug:instrument>/submitted/<int:response_id>",
        protocols.submitted,
        name="protocol_submitted",
    ),
]
urlpatterns += cases_patterns + taskforce_patterns + training_patterns + agreements_patterns
urlpatterns += plans_patterns + needs_patterns
urlpatterns += missing_patterns
urlpatterns += timeline_patterns
urlpatterns += directory_patterns
urlpatterns += reports_patterns
urlpatterns += codebook_patterns
