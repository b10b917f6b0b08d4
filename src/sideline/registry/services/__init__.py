"""Registry writes, one module per use case; callers import them from here.

* `loading` — load a data package (approved corrections laid over it), apply corrections
  to the registry as it is, check tables against the package's rules;
* `writing` — make the registry's tables equal to checked rows, keeping rows' keys;
* `corrections` — the approved corrections as the rows the overlay lays down;
* `export` — the registry's rows as the package writes them, and the export as CSV or JSON.
"""

from __future__ import annotations

from sideline.registry.services.corrections import (
    approved_corrections,
    correction_rows,
    curated_source_row,
)
from sideline.registry.services.export import export_package, registry_tables
from sideline.registry.services.loading import (
    LoadSummary,
    apply_corrections,
    check_tables,
    load_package,
)

__all__ = [
    "LoadSummary",
    "apply_corrections",
    "approved_corrections",
    "check_tables",
    "correction_rows",
    "curated_source_row",
    "export_package",
    "load_package",
    "registry_tables",
]
