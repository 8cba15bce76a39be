"""Fixtures for the protocol-pack tests: a small, complete pack written for the tests (every
section and every item type), installed beside the shipped packs through HARBORLINE_PACKS_DIRS;
users and tokens; and a generic minimal valid answer set for any instrument."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harborline.errors import InvalidInput
from harborline.instruments.engine import validate
from harborline.instruments.schema import Instrument, Item
from harborline.protocols.packs import reset_registry

SAMPLE_PACK: dict[str, Any] = {
    "pack.yaml": {
        "pack": "sample",
        "version": "2.3.4",
        "title": "Sample County Protocol",
        "jurisdiction": "Sample County",
        "summary": "A pack written for the tests.",
        "source": {"document": "seeds/sample.txt", "title": "Sample County Protocol (test)"},
    },
    "obligations.yaml": {
        "obligations": [
            {
                "id": "report_to_cps",
                "title": "Report to child protective services",
                "trigger": "reasonable_cause",
                "due": {"hours": 24},
                "owner": {"org_types": ["law_enforcement"]},
                "authority": "Sample Code 1.2",
                "source": "L10-12",
            }
        ]
    },
    "codebook.yaml": {
        "title": "Sample code book",
        "source": "L20",
        "variables": [
            {
                "number": 1,
                "name": "referral_source",
                "label": "Referral source",
                "type": "coded",
                "values": [{"code": 1, "label": "Police"}, {"code": 2, "label": "School"}],
                "tier": "critical",
                "source": "L21",
            }
        ],
    },
    "training.yaml": {
        "competencies": [{"code": "C1", "title": "Recognising exploitation", "source": "L30"}],
        "courses": [
            {
                "code": "101",
                "title": "Introduction to CSEC",
                "hours": 2,
                "competencies": ["C1"],
                "source": "L31",
            }
        ],
        "requirements": [
            {
                "id": "officers_basic",
                "scope": "agency",
                "subject": "Patrol officers",
                "level": "basic",
                "required": 2,
                "source": "L32",
            }
        ],
    },
    "reference.yaml": {
        "contacts": [
            {
                "id": "sample_hotline",
                "name": "Sample Youth Hotline",
                "kind": "hotline",
                "phone": "1-800-555-0199",
                "verify_before_use": True,
                "source": "L40",
            },
            {
                "id": "sample_er",
                "name": "Sample Emergency Room",
                "kind": "emergency_service",
                "phone": "911",
                "source": "L41",
            },
        ]
    },
    "lists.yaml": {
        "lists": [
            {
                "id": "principles",
                "title": "Guiding principles",
                "source": "L50",
                "entries": [{"id": "victim_centered", "label": "Victim-centered practice"}],
            }
        ]
    },
    "instruments/screen.yaml": {
        "instrument": "screen",
        "title": "Sample screen",
        "mode": "observational",
        "notice": "Never read these questions to the youth.",
        "source": "L60-69",
        "sections": [
            {
                "id": "signs",
                "title": "Signs",
                "items": [
                    {"id": "sign_a", "type": "check", "label": "Sign A", "source": "L61"},
                    {"id": "sign_b", "type": "check", "label": "Sign B", "source": "L62"},
                    {
                        "id": "note",
                        "type": "text",
                        "label": "Note",
                        "required_when": {"checked": "sign_b"},
                    },
                ],
            }
        ],
        "results": [
            {
                "id": "flagged",
                "label": "Flagged",
                "type": "boolean",
                "when": {"any_checked": ["sign_*"]},
                "source": "L63",
            },
        ],
        "actions": [
            {
                "id": "tell_supervisor",
                "when": {"result": "flagged"},
                "kind": "notify",
                "text": "Tell your supervisor.",
                "source": "L64",
            },
        ],
    },
    "instruments/survey.yaml": {
        "instrument": "survey",
        "title": "Sample training survey",
        "mode": "evaluation",
        "about_youth": False,
        "source": "L70-99",
        "sections": [
            {
                "id": "about",
                "title": "About the training",
                "intro": "Tell us about the course.",
                "items": [
                    {"id": "intro_text", "type": "display", "label": "Thank you for taking part."},
                    {"id": "useful", "type": "yes_no", "label": "Was it useful?", "required": True},
                    {
                        "id": "format",
                        "type": "enum",
                        "label": "Format",
                        "options": [
                            {"value": "in_person", "label": "In person"},
                            {"value": "online", "label": "Online"},
                        ],
                    },
                    {
                        "id": "topics",
                        "type": "multi",
                        "label": "Topics",
                        "options": [
                            {"value": "law", "label": "Law"},
                            {"value": "trauma", "label": "Trauma"},
                        ],
                    },
                    {
                        "id": "quality",
                        "type": "rating",
                        "label": "Quality",
                        "help": "1 is poor, 3 is good.",
                        "options": [
                            {"value": "poor", "label": "Poor", "score": 1},
                            {"value": "fair", "label": "Fair", "score": 2},
                            {"value": "good", "label": "Good", "score": 3},
                        ],
                    },
                    {"id": "trainer", "type": "text", "label": "Trainer", "max_length": 40},
                    {"id": "comments", "type": "long_text", "label": "Comments"},
                    {"id": "held_on", "type": "date", "label": "Held on"},
                    {"id": "started_at", "type": "datetime", "label": "Started at"},
                    {"id": "phone", "type": "phone", "label": "Phone"},
                    {"id": "email", "type": "email", "label": "Email"},
                    {
                        "id": "rating_out_of_ten",
                        "type": "number",
                        "label": "Out of ten",
                        "min": 0,
                        "max": 10,
                    },
                    {"id": "attendees", "type": "integer", "label": "Attendees", "min": 1},
                    {"id": "signed", "type": "signature", "label": "Signature"},
                    {
                        "id": "sessions",
                        "type": "group",
                        "label": "Sessions",
                        "items": [
                            {
                                "id": "name",
                                "type": "text",
                                "label": "Session name",
                                "required": True,
                            },
                            {"id": "hours", "type": "integer", "label": "Hours"},
                        ],
                    },
                ],
            }
        ],
        "results": [
            {
                "id": "quality_score",
                "label": "Quality score",
                "type": "score",
                "of": ["quality"],
                "source": "L80",
            },
            {
                "id": "verdict",
                "label": "Verdict",
                "type": "enum",
                "options": [
                    {"value": "keep", "label": "Keep the course"},
                    {"value": "review", "label": "Review the course"},
                ],
                "cases": [
                    {"when": {"equals": {"item": "useful", "value": "yes"}}, "value": "keep"}
                ],
                "default": "review",
                "source": "derived: test",
            },
        ],
        "actions": [
            {
                "id": "review_course",
                "when": {"result_equals": {"result": "verdict", "value": "review"}},
                "kind": "do",
                "text": "Review the course with the trainer.",
                "source": "L81",
            },
        ],
    },
}


def write_pack(root: Path, files: dict[str, Any], name: str = "sample") -> Path:
    folder = root / name
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture
def sample_pack(tmp_path, monkeypatch) -> Iterator[Path]:
    """The sample pack, installed beside the shipped packs for this test."""
    root = tmp_path / "extra-packs"
    folder = write_pack(root, SAMPLE_PACK)
    monkeypatch.setenv("HARBORLINE_PACKS_DIRS", str(root))
    reset_registry()
    yield folder
    monkeypatch.delenv("HARBORLINE_PACKS_DIRS")
    reset_registry()


# --- a minimal valid answer set, found generically ------------------------------------------


def sample_value(item: Item, marker: str = "synthetic") -> Any:
    t = item.type
    if t == "check":
        return True
    if t == "yes_no":
        return "yes"
    if t in ("enum", "rating"):
        return item.options[0].value
    if t == "multi":
        return [item.options[0].value]
    if t in ("text", "long_text", "signature"):
        return marker[: item.max_length or len(marker)]
    if t == "phone":
        return "775-555-0100"
    if t == "email":
        return "someone@example.org"
    if t == "date":
        return "2026-01-15"
    if t == "datetime":
        return "2026-01-15T10:00:00-08:00"
    if t in ("number", "integer"):
        low = item.min if item.min is not None else 1
        return int(low) if t == "integer" or float(low).is_integer() else low
    if t == "group":
        entry = {sub.id: sample_value(sub, marker) for sub in item.items if sub.required}
        return [entry for _ in range(max(1, item.min_entries))]
    return None


def minimal_answers(instrument: Instrument, marker: str = "synthetic") -> dict[str, Any]:
    """Fill every required item, then repair what the engine still names (conditional
    requirements, rules such as NRIT's 'tick something') until the answers are valid."""
    items = instrument.item_map()
    answers = {
        i.id: sample_value(i, marker) for i in items.values() if i.required and i.type != "display"
    }
    for _ in range(12):
        try:
            validate(instrument, answers)
            return answers
        except InvalidInput as problem:
            for error in problem.errors:
                name = error.field.split("[")[0]
                item = items.get(name)
                if item is None or item.type == "display":
                    continue
                if item.type == "check":
                    answers[name] = not answers.get(name, False)
                else:
                    answers[name] = sample_value(item, marker)
    raise AssertionError(f"no generic valid answers for {instrument.instrument}: {answers}")
