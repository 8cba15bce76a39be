"""The fixed vocabularies an agreement is written in: case-record compartments, purposes of
sharing, and the elements of Nevada's MOU guidance (Resource 4-A).

Compartments belong to the access layer (`harborline.access.compartments`) and are imported
from there, so the names cannot drift apart.
Purposes are slugs with labels; see docs/decisions/0018-agreement-scope-vocabulary.md."""

from __future__ import annotations

from dataclasses import dataclass

from harborline.access.compartments import ALL as COMPARTMENTS  # noqa: F401 - re-exported
from harborline.access.compartments import LABELS as COMPARTMENT_LABELS


def compartment_label(name: str) -> str:
    return COMPARTMENT_LABELS.get(name, name.replace("_", " ").capitalize())


# Purposes an agreement may name, and a case share may give. Slugs are stable (they are stored on
# agreements and in audit records); labels may be reworded.
PURPOSES: dict[str, str] = {
    "service_coordination": "Service coordination by the multidisciplinary team",
    "safety_planning": "Safety planning",
    "screening_assessment": "Screening and holistic needs assessment",
    "placement": "Placement",
    "health_care": "Health care (medical, mental health, substance use)",
    "advocacy": "Advocacy and mentoring",
    "education_support": "Education support",
    "missing_response": "Missing and runaway response",
    "investigation": "Investigation",
    "prosecution": "Prosecution",
    "court_proceedings": "Court proceedings (dependency or delinquency)",
    "case_review": "Task force case review",
    "statistical_reporting": "Statistical reporting (aggregate, for the state statistical center)",
}


def normalise_purpose(value: str) -> str:
    return (value or "").strip().lower()


@dataclass(frozen=True)
class MouElementSpec:
    code: str
    title: str
    summary: str
    lines: str


# Resource 4-A (seed 001, lines 10082-10356); the guidance does not say which are required. The
# pack format has no section for MOU elements, so they live here with the pack they come from.
MOU_GUIDANCE_PACK = "nevada"
MOU_GUIDANCE_RESOURCE = "Resource 4-A"
MOU_ELEMENTS: tuple[MouElementSpec, ...] = (
    MouElementSpec(
        "MOU-1",
        "Formation of a regional CSEC task force",
        "The parties agree to form (or align with) a regional or tribal task force.",
        "10105-10110",
    ),
    MouElementSpec(
        "MOU-2",
        "Task force responsibilities",
        "Adapt and oversee the Protocol; goals, training, MDTs, gaps, annual report, data.",
        "10112-10142",
    ),
    MouElementSpec(
        "MOU-3",
        "Task force membership",
        "Representatives of the agencies and disciplines that serve youth, survivors included.",
        "10148-10179",
    ),
    MouElementSpec(
        "MOU-4",
        "Individual member responsibilities",
        "A representative with authority; regular meetings; collaboration; resource sharing.",
        "10181-10192",
    ),
    MouElementSpec(
        "MOU-5",
        "Formation of CSEC MDTs",
        "MDTs with well-trained, qualified staff who coordinate the response to each youth.",
        "10196-10199",
    ),
    MouElementSpec(
        "MOU-6",
        "MDT responsibility",
        "Convene regularly, create service plans, link to services, monitor and adjust.",
        "10201-10212",
    ),
    MouElementSpec(
        "MOU-7",
        "MDT membership",
        "Core members (youth, mentor-advocate, law enforcement, child welfare, juvenile "
        "services, mental health) and as-needed members.",
        "10214-10242",
    ),
    MouElementSpec(
        "MOU-8",
        "MDT roles and responsibilities",
        "Members choose the MDT lead and coordinate their disciplines' work.",
        "10244-10248",
    ),
    MouElementSpec(
        "MOU-9",
        "Rapid Response MDT within 2 hours",
        "When law enforcement identifies a youth: mentor-advocate and one core member on scene.",
        "10250-10267",
    ),
    MouElementSpec(
        "MOU-10",
        "72-Hour MDT",
        "The full MDT meets within 72 hours after every identification.",
        "10270-10278",
    ),
    MouElementSpec(
        "MOU-11",
        "Assessment of ongoing needs",
        "Coordinated holistic assessments; MDT partners have access to the assessment report.",
        "10280-10287",
    ),
    MouElementSpec(
        "MOU-12",
        "Ongoing MDT convenings",
        "Service-plan MDT, scheduled reviews, and reconvening on significant events.",
        "10290-10317",
    ),
    MouElementSpec(
        "MOU-13",
        "Relationship of MDTs to the task force",
        "The task force receives MDT requests and recommendations.",
        "10319-10335",
    ),
)
MOU_ELEMENT_CODES: tuple[str, ...] = tuple(e.code for e in MOU_ELEMENTS)
MOU_ELEMENT_BY_CODE: dict[str, MouElementSpec] = {e.code: e for e in MOU_ELEMENTS}
