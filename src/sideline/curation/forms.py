"""The curator's forms: one proposal form per registry table, built from its columns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sideline.curation.services import MAX_CITATION, MAX_REASON, MAX_VALUE
from sideline.registry.curation_rows import TABLES
from sideline.registry.enums import CorrectionAction
from sideline.registry.package import registry_schemas

__all__ = ["COLUMN_LABELS", "ProposalForm", "ReviewForm"]

# Values are lazy translations (django-stubs' _StrPromise, not importable at run time).
COLUMN_LABELS: dict[str, Any] = {
    "organization": _("Organization (identifier)"),
    "state": _("State (ISO 3166-1 alpha-3 code)"),
    "participant_organization": _("Participating organization (identifier)"),
    "status": _("Status"),
    "start": _("Start (YYYY, YYYY-MM or YYYY-MM-DD)"),
    "end": _("End (empty while in force)"),
    "note": _("Note"),
    "function": _("Function (identifier)"),
    "weight": _("Weight"),
    "basis": _("Basis"),
    "slug": _("Identifier"),
    "id": _("Identifier"),
    "name_en": _("Name (English)"),
    "name_ru": _("Name (Russian)"),
    "abbreviation_en": _("Abbreviation (English)"),
    "abbreviation_ru": _("Abbreviation (Russian)"),
    "founded": _("Founded (YYYY, YYYY-MM or YYYY-MM-DD)"),
    "dissolved": _("Dissolved"),
    "successor": _("Successor (identifier)"),
    "headquarters": _("Headquarters"),
    "bloc": _("Bloc"),
    "pillars": _("Pillars (identifiers, separated by spaces)"),
    "url": _("Website or address"),
    "level": _("Level"),
    "rrule": _("Recurrence rule (RFC 5545)"),
    "dtstart": _("First occurrence (YYYY-MM-DD)"),
    "duration_days": _("Duration in days"),
    "timezone": _("Time zone (IANA)"),
    "forum": _("Forum (identifier)"),
    "city": _("City"),
    "country": _("Country (ISO 3166-1 alpha-3 code)"),
    "attendees": _("Attending organizations (identifiers, separated by spaces)"),
    "title": _("Title"),
    "publisher": _("Publisher"),
    "accessed": _("Date accessed (YYYY-MM-DD)"),
    "source": _("Source"),
}


class ProposalForm(forms.Form):
    """The corrected values of one row, its source and the reason."""

    def __init__(
        self, *args: Any, table: str, action: str, initial_row: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        spec = TABLES[table]
        schema = {f["name"]: f for f in registry_schemas()[table]["fields"]}
        columns = spec.columns if action == CorrectionAction.ADD else spec.editable
        if action == CorrectionAction.REMOVE:
            columns = ()
        for column in columns:
            constraints = schema[column].get("constraints", {})
            required = bool(constraints.get("required"))
            label = COLUMN_LABELS.get(column, column)
            field: forms.Field
            if "enum" in constraints:
                choices = [(value, value.replace("_", " ")) for value in constraints["enum"]]
                if not required:
                    choices.insert(0, ("", "—"))
                field = forms.ChoiceField(label=label, choices=choices, required=required)
            elif column in {"note", "basis"}:
                field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=MAX_VALUE,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                field = forms.CharField(label=label, required=required, max_length=MAX_VALUE)
            field.initial = initial_row.get(column, "")
            self.fields[column] = field
        self.fields["citation"] = forms.CharField(
            label=_("Source (URL or citation)"),
            max_length=MAX_CITATION,
            error_messages={"required": _("Give the source: an address (URL) or a citation.")},
            help_text=_("An address (https://…) or a citation naming the document and its date."),
        )
        self.fields["reason"] = forms.CharField(
            label=_("Reason"),
            max_length=MAX_REASON,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("Say why the fact is wrong and what the source shows.")},
            help_text=_("What is wrong, and what the source shows."),
        )

    @property
    def values(self) -> dict[str, str]:
        """Return the corrected columns as typed (valid or not), for the service."""
        names = [name for name in self.fields if name not in {"citation", "reason"}]
        return {name: str(self.cleaned_data.get(name, "")) for name in names}


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note (required to reject)"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
