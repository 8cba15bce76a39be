# ruff: noqa: E501 - the checklist steps and their sources read best one per line
"""The training catalogue as the packs define it (courses, competencies, requirements), and the
survivor-speaker preparation checklist (Nevada Resource 2-E).

Reading packs is not reading youth data: anyone signed in may browse the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harborline.errors import InvalidInput, NotFound
from harborline.protocols.home import home_pack_name
from harborline.protocols.models import Region
from harborline.protocols.packs import get_pack, registry
from harborline.protocols.sections import Course, Requirement, Training

if TYPE_CHECKING:
    from harborline.people.models import Organization

TRAINING = "training.yaml"


def training_of(pack: str, *, field: str = "pack") -> Training:
    """A pack's training section; InvalidInput naming `field` for an unknown pack or one
    without training."""
    try:
        section: Training | None = get_pack(pack).section(TRAINING)
    except NotFound:
        raise InvalidInput.field(field, f"No protocol pack named {pack!r}.") from None
    if section is None:
        raise InvalidInput.field(field, f"The pack {pack!r} defines no training.")
    return section


def training_packs() -> list[str]:
    return sorted(name for name, p in registry().items() if p.section(TRAINING) is not None)


def course_of(pack: str, code: str, *, field: str = "course") -> Course:
    for course in training_of(pack).courses:
        if course.code == code:
            return course
    raise InvalidInput.field(field, f"The {pack} pack has no course {code!r}.")


def packs_with_course(code: str) -> list[str]:
    return [
        name for name in training_packs() if any(c.code == code for c in training_of(name).courses)
    ]


def requirements_of(pack: str) -> list[Requirement]:
    return list(training_of(pack).requirements)


def default_pack(org: Organization | None) -> str:
    """The pack of the organization's county or region; else the installation's home pack;
    else the first pack with training whose geography this installation has loaded; else the
    first pack with training. The installation's packs decide: no jurisdiction is named here."""
    packs = training_packs()
    for candidate in (
        org.county.pack if org is not None and org.county_id else "",  # type: ignore[union-attr]  # the foreign key is checked just before
        org.region.pack if org is not None and org.region_id else "",  # type: ignore[union-attr]  # the foreign key is checked just before
        home_pack_name(),
    ):
        if candidate in packs:
            return candidate
    installed = Region.objects.filter(pack__in=packs).order_by("pack")
    return installed.values_list("pack", flat=True).first() or packs[0]


def yearly_minimums(pack: str) -> list[str]:
    """The yearly hours of training the pack asks for, in words (none when the pack sets no
    yearly minimum: Washington's and Wisconsin's set none)."""
    try:
        training = training_of(pack)
    except InvalidInput:
        return []
    where = get_pack(pack).manifest.jurisdiction
    lines = []
    for req in training.requirements:
        if req.hours_per_year is None:
            continue
        series = f" (the {', '.join(req.courses)} series)" if req.courses else ""
        lines.append(
            f"{where}'s protocol asks for at least {req.hours_per_year:g} hours of CSEC "
            f"continuing education{series} a year."
        )
    return lines


# --- survivor speakers (Resource 2-E) ---------------------------------------------------------
@dataclass(frozen=True)
class Step:
    id: str
    phase: str
    text: str
    source: str


# Nevada CSEC Protocol, Resource 2-E (seed 001, L8619-8717): the four phases of preparing a
# survivor guest speaker or co-trainer. The pack format has no section for it yet, so the steps
# live here, with their lines (docs/decisions/0016-survivor-speakers.md), and the pack they come from.
SPEAKER_STEPS_PACK = "nevada"
SPEAKER_STEPS_RESOURCE = "Resource 2-E"
SPEAKER_STEPS: tuple[Step, ...] = (
    Step(
        "vetted",
        "Select",
        "The survivor was vetted by a local advocate and by law enforcement where the case was investigated.",
        "L8629-8630",
    ),  # noqa: E501
    Step(
        "first_time",
        "Select",
        "We know whether this is the survivor's first time speaking.",
        "L8632",
    ),  # noqa: E501
    Step(
        "case_status",
        "Select",
        "We know whether the case was investigated and whether the suspect is incarcerated or free.",
        "L8634-8636",
    ),  # noqa: E501
    Step(
        "advocate",
        "Select",
        "The advocate who worked with the survivor is identified and can attend (highly recommended for a first-time speaker).",
        "L8638-8640",
    ),  # noqa: E501
    Step(
        "previous_feedback",
        "Select",
        "If the survivor has spoken before, we have the previous instructor's or coordinator's feedback.",
        "L8642-8643",
    ),  # noqa: E501
    Step(
        "purpose_discussed",
        "Meet",
        "We met the survivor to discuss the class's purpose and goals, their story, what to expect and the audience.",
        "L8646-8652",
    ),  # noqa: E501
    Step(
        "requests_clarified",
        "Meet",
        "Survivor and advocate requests are clear: equipment, travel, and how the survivor's name may be used.",
        "L8653-8656",
    ),  # noqa: E501
    Step(
        "host_requirements",
        "Meet",
        "Host requirements are identified: security concerns, appropriate attire.",
        "L8657-8658",
    ),  # noqa: E501
    Step(
        "questions_agreed",
        "Meet",
        "We agreed whether the survivor takes questions, and prepared them for hard ones such as victim blaming.",
        "L8659-8661",
    ),  # noqa: E501
    Step(
        "safety_plan",
        "Meet",
        "If the suspect is free and might attend, there is an action plan with the host and the survivor.",
        "L8662-8664",
    ),  # noqa: E501
    Step("travel", "Training day", "Travel to and from the venue is arranged.", "L8667-8669"),
    Step(
        "attendee_guidelines",
        "Training day",
        "Attendee guidelines that protect the survivor are set and will be enforced.",
        "L8670-8672",
    ),  # noqa: E501
    Step(
        "question_mode",
        "Training day",
        "The question mode is set: no questions for a first-time speaker, or written questions the survivor chooses from.",
        "L8673-8678",
    ),  # noqa: E501
    Step(
        "instructor_and_advocate_present",
        "Training day",
        "The instructor and the advocate will both be present while the survivor speaks.",
        "L8679-8682",
    ),  # noqa: E501
    Step(
        "someone_at_front",
        "Training day",
        "The instructor or coordinator stays near the front to intervene if needed.",
        "L8683-8685",
    ),  # noqa: E501
    Step(
        "survivor_feedback",
        "Follow-up",
        "We invited the survivor's feedback on the experience and the role.",
        "L8697-8700",
    ),  # noqa: E501
    Step(
        "support_offered",
        "Follow-up",
        "Support is offered after the training, as before and during it.",
        "L8701-8705",
    ),  # noqa: E501
    Step(
        "feedback_given",
        "Follow-up",
        "We gave the survivor appreciative, development-oriented feedback.",
        "L8706-8710",
    ),  # noqa: E501
    Step(
        "evaluation_section",
        "Follow-up",
        "The evaluation form has a section for the survivor's presentation, and the coordinator reviewed it with the survivor and advocate.",
        "L8711-8717",
    ),  # noqa: E501
)
SPEAKER_STEP_IDS = frozenset(s.id for s in SPEAKER_STEPS)
