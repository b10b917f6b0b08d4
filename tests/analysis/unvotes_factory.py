"""A tiny roll-call folder in the unvotes layout, for the analysis' vote tests."""

from __future__ import annotations

from pathlib import Path

ROLL_CALLS = """\
rcid,session,importantvote,date,unres,amend,para,short,descr
10,49,0,1994-11-01,R/49/1,0,0,ONE,"First, with a comma"
11,49,0,1994-12-01,R/49/2,0,0,TWO,Second
20,50,1,1995-10-01,R/50/1,0,0,THREE,Third
"""

VOTES = """\
rcid,country,country_code,vote
10,United States,US,yes
10,Russia,RU,yes
10,Kazakhstan,KZ,yes
10,China,CN,no
11,United States,US,no
11,Russia,RU,yes
11,Kazakhstan,KZ,abstain
20,United States,US,no
20,Russia,RU,yes
20,Kazakhstan,KZ,yes
20,China,CN,yes
"""


def write_unvotes(directory: Path, *, votes: str = VOTES) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "roll_calls.csv").write_text(ROLL_CALLS, encoding="utf-8")
    (directory / "unvotes.csv").write_text(votes, encoding="utf-8")
    return directory
