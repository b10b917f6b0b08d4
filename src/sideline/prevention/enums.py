"""Closed vocabularies of preventive diplomacy."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKind(models.TextChoices):
    COUNTRY_MONTH = "country_month", _("deaths per state and month")
    COUNTRY_YEAR = "country_year", _("deaths per state and year")
    CONFLICT_YEAR = "conflict_year", _("conflicts per year")
    FORECAST_MONTH = "forecast_month", _("forecast deaths per state and month")
    FORECAST_YEAR = "forecast_year", _("forecast deaths per state and year")


class Severity(models.IntegerChoices):
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")
    CRITICAL = 4, _("critical")


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
