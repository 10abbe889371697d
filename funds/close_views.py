"""Closing a year's books: a page that shows what will lock, then the chair confirms.

Closing is the chair's (Action.MANAGE); a year that has not ended needs an extra
tick, since nothing dated in its remaining days could be entered afterwards.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from committee import scoping
from committee.generic import scoped_object_or_404
from committee.models import Community
from committee.roles import Action
from funds import services
from funds.forms import CloseYearForm


class YearCloseView(LoginRequiredMixin, FormView):
    services = (services.close_year,)
    template_name = "funds/year_close.html"
    form_class = CloseYearForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.community = scoped_object_or_404(
            Community.objects.visible_to(request.user).select_related("street_office__district"),
            pk=kwargs["pk"],
        )
        self.year = kwargs["year"]
        if not scoping.can(request.user, Action.MANAGE, self.community):
            raise PermissionDenied(_("Only the community's chair may close a year."))
        if services.is_closed(community=self.community, year=self.year):
            already = _("The books of %(year)s are already closed.")
            messages.info(request, already % {"year": self.year})
            return self.back()
        self.contents = services.year_contents(community=self.community, year=self.year)
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return redirect("funds:community_year", pk=self.community.pk, year=self.year)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "early": self.contents.days_left > 0}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            community=self.community, year=self.year, contents=self.contents, **kwargs
        )

    def form_valid(self, form):
        try:
            services.close_year(
                community=self.community,
                year=self.year,
                user=self.request.user,
                before_year_end=form.cleaned_data.get("before_year_end", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The books of %(year)s are closed.") % {"year": self.year})
        return self.back()
