"""Errors raised by the analysis core when its inputs are wrong.

Every error carries a stable snake_case ``code``, the ``argument`` it is about and the
offending ``value``, so that the API, the web pages and the CLI can translate it once::

    AnalysisError (ServiceError, ValueError)
    ├── UnknownStateError          code "unknown_state"
    ├── UnknownOrganizationError   code "unknown_organization"
    ├── UnknownPillarError         code "unknown_pillar"
    ├── DateOutOfRangeError        code "date_out_of_range"
    ├── EmptyPeriodError           code "empty_period"
    ├── InvalidArgumentError       code "invalid_argument"
    ├── InvalidRowError            code "invalid_row"
    └── VoteDataError              code "invalid_vote_data"

Expected outcomes (a pair that shares nothing, a year without engagements) are data, not
errors: they come back as zeros or ``None``.

>>> error = UnknownStateError("state 'XXX' is not in the registry", argument="state", value="XXX")
>>> (error.code, error.argument, str(error))
('unknown_state', 'state', "state 'XXX' is not in the registry")
"""

from __future__ import annotations

from sideline.errors import ServiceError

__all__ = [
    "AnalysisError",
    "DateOutOfRangeError",
    "EmptyPeriodError",
    "InvalidArgumentError",
    "InvalidRowError",
    "UnknownOrganizationError",
    "UnknownPillarError",
    "UnknownStateError",
    "VoteDataError",
]


class AnalysisError(ServiceError, ValueError):
    """Base of the analysis errors: a message, a stable code, the argument and its value.

    ``field`` is the argument; ``details`` hold the argument and its value.
    """

    code = "analysis_error"

    def __init__(self, message: str, *, argument: str, value: object = None) -> None:
        super().__init__(
            type(self).code,
            message,
            field=argument,
            details={"argument": argument, "value": value},
        )
        self.argument = argument
        self.value = value

    def as_dict(self) -> dict[str, object]:
        """Return the error as the one error body the interfaces share.

        >>> EmptyPeriodError("start 2020 is after end 2010", argument="start", value=2020).as_dict()
        {'code': 'empty_period', 'argument': 'start', 'message': 'start 2020 is after end 2010'}
        """
        return {"code": self.code, "argument": self.argument, "message": self.message}


class UnknownStateError(AnalysisError):
    """A state code that the snapshot or the vote table does not know."""

    code = "unknown_state"
    default_status = 404


class UnknownOrganizationError(AnalysisError):
    """An organization slug that the snapshot does not know."""

    code = "unknown_organization"
    default_status = 404


class UnknownPillarError(AnalysisError):
    """A pillar slug outside the fixed set of pillars."""

    code = "unknown_pillar"


class DateOutOfRangeError(AnalysisError):
    """A date (or year, or session) outside the span the data covers."""

    code = "date_out_of_range"


class EmptyPeriodError(AnalysisError):
    """A period whose start lies after its end, or that selects nothing."""

    code = "empty_period"


class InvalidArgumentError(AnalysisError):
    """An argument of the right type but an unusable value (a negative threshold …)."""

    code = "invalid_argument"


class InvalidRowError(AnalysisError):
    """A row given to a snapshot constructor that cannot be read."""

    code = "invalid_row"


class VoteDataError(AnalysisError):
    """A roll-call file that is missing or not in the expected layout."""

    code = "invalid_vote_data"
