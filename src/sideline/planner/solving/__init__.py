"""The exact planner's parts; `sideline.planner.solver` puts them together.

Each module is one concern, lowest first (a module imports only from those above it),
in the manner of Django's `db/migrations/{graph,loader,executor,…}.py`:

* `options` — `SolveOptions` and `Progress`, what a caller passes and hears;
* `outcome` — `Status`, `PhaseStats` and a part's `Outcome`, and how they add up;
* `budget` — the call's time (wall clock or deterministic work) and how it is shared
  between parts, returning what a finished part leaves to the unproved ones;
* `progress` — sums the parts' incumbents and bounds into `Progress` reports;
* `cpmodel` — `Placement`, the CP-SAT model of `constraints.CONSTRAINTS`, hints, rooms;
* `partition` — independent parts of an instance;
* `warmstart` — the start plan (greedy, previous plan repaired, or LP-guided);
* `phases` — one part's CP-SAT phases: priorities, then the second objective;
* `windows` — a large part's search window by window of dates;
* `search` — which of those one part's search takes.

None of them imports Django (an import-linter contract checks it).
"""
