"""Write the compact copy of the UN votes that ships with Sideline (run by maintainers).

    python scripts/bundle_unvotes.py ../shared/data/unvotes

reads Voeten's roll calls in the ``unvotes`` layout and writes
``src/sideline/data/unvotes/unvotes.json.gz`` (see ``sideline.analysis.vote_bundle``). The
output is byte-for-byte the same for the same input, so a re-run shows no change.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sideline.analysis.unvotes import load_unvotes
from sideline.analysis.vote_bundle import BUNDLED_VOTES, write_vote_bundle

SOURCE = (
    "Erik Voeten, United Nations General Assembly Voting Data (Harvard Dataverse "
    "hdl:1902.1/12379), via the unvotes package (dgrtwo/unvotes, commit "
    "7eb7034314ff79c49c9e0785fcd9d216fa04cf14); CC0"
)


def main(directory: str) -> int:
    table = load_unvotes(Path(directory))
    BUNDLED_VOTES.parent.mkdir(parents=True, exist_ok=True)
    with BUNDLED_VOTES.open("wb") as handle:
        write_vote_bundle(table, handle, source=SOURCE)
    print(f"{BUNDLED_VOTES}: {len(table.rcids)} roll calls, {len(table.states)} states")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/bundle_unvotes.py DIRECTORY_WITH_UNVOTES_CSV")
    sys.exit(main(sys.argv[1]))
