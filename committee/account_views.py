"""Account pages for chairs and district officers (committee/accounts.py has the rule)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from committee import accounts, scoping
from committee.forms import AccountForm, AccountRoleForm
from committee.models import Membership

User = get_user_model()


def _memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("community", "street_office", "district"),
    )


class AccountsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not accounts.may_manage_accounts(request.user):
            raise PermissionDenied(_("Only a chair or a district officer manages accounts."))
        return super().dispatch(request, *args, **kwargs)


class AccountListView(AccountsMixin, View):
    """The accounts this chair or district officer looks after."""

    def get(self, request):
        people = accounts.managed_users(request.user).prefetch_related(_memberships())
        return render(request, "committee/account_list.html", {"people": people})


def _show_password(request, user, password):
    """The one time the password is shown: not kept, not cached by the browser."""
    return render(
        request, "committee/account_password.html", {"person": user, "password": password}
    )


@method_decorator(never_cache, name="dispatch")
class AccountCreateView(AccountsMixin, View):
    service = accounts.create_account

    def form(self, data=None):
        return AccountForm(data, reach=accounts.reach(self.request.user))

    def get(self, request):
        return render(request, "committee/account_form.html", {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                user, password = accounts.create_account(
                    by=request.user,
                    username=form.cleaned_data["username"],
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    unit=form.unit(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _show_password(request, user, password)
        return render(request, "committee/account_form.html", {"form": form})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = field if field in form.fields else None
            if field == "unit":
                name = "community" if "community" in form.fields else None
            for e in errors:
                form.add_error(name, e)
    else:
        form.add_error(None, error)


@method_decorator(never_cache, name="dispatch")
class AccountDetailView(AccountsMixin, View):
    """One account: change its role, deactivate it, or give it a new password."""

    services = (accounts.change_role, accounts.set_active, accounts.reset_password)

    def person(self):
        found = (
            accounts.managed_users(self.request.user)
            .prefetch_related(_memberships())
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if found is not None:
            return found
        # Someone the user can see but not manage is a 403; anyone else does not exist.
        visible = Membership.objects.filter(
            user_id=self.kwargs["pk"], community__in=scoping.communities(self.request.user)
        )
        if visible.exists():
            raise PermissionDenied(_("This account is not one you look after."))
        raise Http404(_("No such account, or not one you look after."))

    def page(self, person, form=None):
        found = accounts.reach(self.request.user)
        if form is None:
            held = next(iter(person.memberships.all()), None)
            initial = {}
            if held is not None:
                initial = {
                    "role": held.role,
                    "community": held.community_id,
                    "street_office": held.street_office_id,
                }
            form = AccountRoleForm(initial=initial, reach=found)
        return render(
            self.request, "committee/account_detail.html", {"person": person, "form": form}
        )

    def get(self, request, pk):
        return self.page(self.person())

    def post(self, request, pk):
        person = self.person()
        action = request.POST.get("action")
        if action == "reset":
            return _show_password(
                request, person, accounts.reset_password(by=request.user, user=person)
            )
        if action in ("deactivate", "activate"):
            accounts.set_active(by=request.user, user=person, active=action == "activate")
            messages.success(request, _("Saved."))
            return redirect("account_detail", pk=person.pk)
        form = AccountRoleForm(request.POST, reach=accounts.reach(request.user))
        if form.is_valid():
            try:
                accounts.change_role(
                    by=request.user, user=person, role=form.cleaned_data["role"], unit=form.unit()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("account_detail", pk=person.pk)
        return self.page(person, form)
