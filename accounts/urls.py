from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import oidc
from .forms import LoginForm
from .views import LoginView, LogoutView, PasswordResetView

urlpatterns = [
    path(
        "logga-in/",
        LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logga-ut/", LogoutView.as_view(), name="logout"),
    # The Region's identity provider (accounts.oidc): 404 while OIDC_ISSUER is not set.
    path("region/logga-in/", oidc.AuthenticationRequestView.as_view(), name="oidc_authenticate"),
    path("region/tillbaka/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("losenord/byt/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("losenord/byt/klart/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("losenord/aterstall/", PasswordResetView.as_view(), name="password_reset"),
    path("losenord/aterstall/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("losenord/aterstall/klart/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
