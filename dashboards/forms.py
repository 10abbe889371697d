"""The thresholds form: amber and red for each flag, percentages entered as percent."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from committee.versions import stale_row_message
from dashboards.flags import SPECS

HUNDRED = Decimal("100")


class ThresholdForm(forms.Form):
    """One amber and one red field per flag, with the default beside each."""

    def __init__(self, *args, thresholds, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, spec in SPECS.items():
            row = thresholds[kind]
            scale = HUNDRED if spec.unit == "percent" else Decimal("1")
            suffix = "\u00a0%" if spec.unit == "percent" else ""
            names = []
            for level, stored, default in (
                ("amber", row.amber, spec.amber),
                ("red", row.red, spec.red),
            ):
                if default is None:
                    continue
                name = f"{kind}_{level}"
                self.fields[name] = forms.DecimalField(
                    label=f"{spec.label} · {_(level)}",
                    min_value=Decimal("0"),
                    max_digits=8,
                    decimal_places=2,
                    initial=f"{(stored * scale).normalize():f}",
                    help_text=_("default %(op)s %(value)s")
                    % {
                        "op": spec.operator(),
                        "value": f"{(default * scale).normalize():f}{suffix}",
                    },
                )
                names.append(name)
            # The version of the row this line was drawn from (0: still the default).
            self.fields[f"{kind}_version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=row.version, min_value=0, required=False
            )
            self.rows.append(
                {
                    "spec": spec,
                    "fields": [self[name] for name in names],
                    "note": _("counted in the period's worst month") if spec.month else "",
                }
            )
        self.samples = []
        for kind, spec in SPECS.items():
            if spec.min_sample is None:
                continue
            stored = thresholds[kind].min_sample
            name = f"{kind}_min_sample"
            self.fields[name] = forms.IntegerField(
                label=_("%(flag)s: answers needed before it gets a colour") % {"flag": spec.label},
                min_value=1,
                max_value=100000,
                initial=stored if stored is not None else spec.min_sample,
                help_text=_("default %(value)s; below it the flag says too few answers")
                % {"value": spec.min_sample},
            )
            self.samples.append(self[name])

    def clean(self):
        cleaned = super().clean()
        for kind, spec in SPECS.items():
            amber, red = cleaned.get(f"{kind}_amber"), cleaned.get(f"{kind}_red")
            if amber is None or red is None:
                continue
            if (red < amber) if spec.bad_when_high else (red > amber):
                self.add_error(
                    f"{kind}_red",
                    _("The red limit must be at least as bad as the amber limit."),
                )
        return cleaned

    def seen(self) -> dict[str, int]:
        """The version of each flag's row the page was drawn from."""
        return {
            kind: self.cleaned_data[f"{kind}_version"]
            for kind in SPECS
            if self.cleaned_data.get(f"{kind}_version") is not None
        }

    def show_stale(self, error) -> None:
        """What is on record now beside each limit saved meanwhile; the new versions carried."""
        data = self.data.copy()
        for record in error.records:
            spec = SPECS[record.kind]
            scale = HUNDRED if spec.unit == "percent" else Decimal("1")
            self.add_error(None, stale_row_message(record))
            for level in ("amber", "red"):
                value = getattr(record, level)
                if f"{record.kind}_{level}" in self.fields and value is not None:
                    shown = f"{(value * scale).normalize():f}"
                    self.add_error(
                        f"{record.kind}_{level}", _("On record now: %(value)s") % {"value": shown}
                    )
            data[f"{record.kind}_version"] = str(record.version)
        self.data = data

    def min_samples(self) -> dict[str, int]:
        """Answers needed per survey flag."""
        return {
            kind: self.cleaned_data[f"{kind}_min_sample"]
            for kind, spec in SPECS.items()
            if spec.min_sample is not None
        }

    def limits(self) -> dict[str, tuple[Decimal | None, Decimal]]:
        """(amber, red) per flag, back in stored units (fractions for percentages)."""
        found = {}
        for kind, spec in SPECS.items():
            scale = HUNDRED if spec.unit == "percent" else Decimal("1")
            amber = self.cleaned_data.get(f"{kind}_amber")
            found[kind] = (
                None if amber is None else amber / scale,
                self.cleaned_data[f"{kind}_red"] / scale,
            )
        return found
