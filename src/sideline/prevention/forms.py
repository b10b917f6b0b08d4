"""The form to raise a concern; the service checks every value again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sideline.prevention.enums import Severity
from sideline.registry.models import Organization


class ConcernForm(forms.Form):
    state = forms.CharField(label=_("State (ISO 3166 alpha-3 code)"), max_length=3)
    other_state = forms.CharField(
        label=_("Other state, for a border (optional)"), max_length=3, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("What you see"), widget=forms.Textarea, max_length=20_000)
    sources = forms.CharField(
        label=_("Sources, one a line"), widget=forms.Textarea, required=False, max_length=20_000
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"), choices=Severity.choices, coerce=int, initial=Severity.MEDIUM
    )
    concerned = forms.MultipleChoiceField(
        label=_("Organizations concerned"), required=False, widget=forms.CheckboxSelectMultiple
    )
    public = forms.BooleanField(
        label=_("Public (anyone may read it); otherwise only the organizations concerned"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        concerned = self.fields["concerned"]
        assert isinstance(concerned, forms.MultipleChoiceField)
        concerned.choices = [
            (o.slug, o.abbreviation_en) for o in Organization.objects.order_by("slug")
        ]

    def source_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["sources"].splitlines() if line.strip()]
