"""Write docs/schemas/op-1.schema.json from the operation format's own declaration.

Usage: python scripts/op_schema.py
tests/federation/test_schema.py fails when the file differs from what this renders.
"""

from __future__ import annotations

import json
from pathlib import Path

from sideline.federation.ops import op_json_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "schemas" / "op-1.schema.json"


def render() -> str:
    return json.dumps(op_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(render(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
