"""Writes of preventive diplomacy, one module per use case; callers import them from here.

Each write is one transaction. A concern and an endorsement are operations on the acting
organization's own signed log (``sideline.record.services.append_entry``), sealed when the
concern is confidential, as a confidential meeting's changes are.

* `imports` — conflict data files read and stored;
* `concerns` — raise, endorse and close a concern;
* `consultations` — a concern or a state's signals placed as a planner request;
* `_common` — the error, the logged refusal and the acting organization they share.
"""

from __future__ import annotations

from sideline.prevention.services._common import ConcernError, acting_organization
from sideline.prevention.services.concerns import (
    MAX_SOURCES,
    MAX_TEXT,
    close_concern,
    endorse_concern,
    raise_concern,
)
from sideline.prevention.services.consultations import (
    place_consultation,
    place_signal_consultation,
)
from sideline.prevention.services.imports import (
    MAX_FILES,
    ImportSummary,
    import_bundled,
    import_conflict_files,
)

__all__ = [
    "MAX_FILES",
    "MAX_SOURCES",
    "MAX_TEXT",
    "ConcernError",
    "ImportSummary",
    "acting_organization",
    "close_concern",
    "endorse_concern",
    "import_bundled",
    "import_conflict_files",
    "place_consultation",
    "place_signal_consultation",
    "raise_concern",
]
