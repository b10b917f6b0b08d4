"""The JSON Schemas in docs/ accept the documented examples and real files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sideline.planner.generate import generate_instance
from sideline.planner.instance import parse_instance
from sideline.planner.schema import parse_plan, plan_to_json
from sideline.planner.solver import SolveOptions, solve

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DOCS / "schemas" / f"{name}.schema.json").read_text())
    return loaded


def _examples() -> list[dict[str, Any]]:
    text = (DOCS / "planner.md").read_text()
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def test_docs_examples_validate_against_schemas() -> None:
    names = {"sideline.plan-instance/1": "plan-instance-1", "sideline.plan/1": "plan-1"}
    examples = _examples()
    assert sorted(e["schema"] for e in examples) == ["sideline.plan-instance/1", "sideline.plan/1"]
    for example in examples:
        jsonschema.validate(example, _schema(names[example["schema"]]))


def test_docs_instance_example_parses() -> None:
    (example,) = [e for e in _examples() if e["schema"] == "sideline.plan-instance/1"]
    assert parse_instance(example).id == "2013"


@pytest.mark.parametrize("family", ["demo"])
def test_generated_instance_and_plan_validate(family: str) -> None:
    data = generate_instance(family, seed=2)
    jsonschema.validate(data, _schema("plan-instance-1"))
    plan = plan_to_json(
        solve(parse_instance(data), options=SolveOptions(deterministic_time=10, num_workers=1))
    )
    jsonschema.validate(json.loads(json.dumps(plan)), _schema("plan-1"))
    assert parse_plan(plan).meetings == parse_plan(json.loads(json.dumps(plan))).meetings
