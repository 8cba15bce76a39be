"""The shapes of a pack's files besides its instruments (validated when the pack loads).

| file | holds |
|---|---|
| `pack.yaml` | the manifest: name, version, title, jurisdiction, source document |
| `geography.yaml` | regions and counties |
| `obligations.yaml` | obligation rules: trigger -> obligation with a deadline and an owner |
| `codebook.yaml` | the data code book: variables, value codes, sharing tiers |
| `training.yaml` | competencies, courses, and training requirements by role and scope |
| `reference.yaml` | hotlines, emergency services, service finders |
| `lists.yaml` | named lists the protocol defines (member categories, duties, principles, ...) |
| `instruments/*.yaml` | instruments (`harborline.instruments.schema.Instrument`) |
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harborline.instruments.schema import ID, _source

SLUG = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    source: str

    @field_validator("source")
    @classmethod
    def _cite(cls, value: str) -> str:
        return _source(value)


class SourceDocument(Strict):
    document: str = Field(min_length=1)
    title: str = Field(min_length=1)


class InstrumentRef(Strict):
    """Another loaded pack's instrument, adopted by reference (issue 15: a pack whose documents
    name no screening tool may use another's): the adopting pack offers it as its own, scored
    exactly as the defining pack scores it. `source` says why (a citation or `derived: ...`)."""

    pack: str = Field(pattern=SLUG)
    instrument: str = Field(pattern=ID)
    source: str

    @field_validator("source")
    @classmethod
    def _cite(cls, value: str) -> str:
        return _source(value)


class Manifest(Strict):
    pack: str = Field(pattern=SLUG)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1)
    summary: str = ""
    source: SourceDocument
    sources: list[SourceDocument] = []  # further documents, when a pack draws on several
    time_zone: str = "America/Los_Angeles"
    # The public-holiday calendar business-day clocks skip (decision 0057): a country and an
    # optional subdivision as the `holidays` library names them, `US-NV`; "" for a pack a
    # county adopts, which counts by the adopting county's state.
    holidays: str = Field(default="", pattern=r"^([A-Z]{2}(-[A-Z0-9]{1,3})?)?$")
    # Instruments of other loaded packs this pack uses by reference (`protocols.packs`
    # resolves them once every pack is read; a reference that does not resolve leaves the
    # pack out, like any other problem).
    adopts: list[InstrumentRef] = []

    @field_validator("holidays")
    @classmethod
    def _calendar(cls, value: str) -> str:
        if value:
            import holidays as library

            country, _, subdivision = value.partition("-")
            try:
                library.country_holidays(country, subdiv=subdivision or None)
            except NotImplementedError:
                raise ValueError(
                    f"{value!r} is not a holiday calendar the holidays library knows "
                    "(a country code, optionally -subdivision: US-NV)"
                ) from None
        return value


# --- geography -------------------------------------------------------------------------------
class RegionEntry(Strict):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    # "" for the regions the pack counts by (a county's `region`, and so an organization's);
    # another slug (e.g. `task_force`) for a second way of grouping counties (a county's `also`).
    kind: str = Field(default="", pattern=r"^([a-z][a-z0-9_]{0,39})?$")
    source: str = ""

    @field_validator("source")
    @classmethod
    def _cite(cls, value: str) -> str:
        return _source(value) if value else value


class CountyEntry(Strict):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    region: str
    also: list[str] = []  # regions of other kinds the county is in (at most one per kind)
    fips: str = Field(default="", pattern=r"^(\d{5})?$")  # the Census Bureau's state + county code
    time_zone: str = ""  # IANA name; "" = the manifest's time_zone

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value


class Geography(Strict):
    """A state pack lists its counties; a pack written for any county (`adoption: county`)
    lists none: a county of a state pack adopts it (`harborline protocols adopt`)."""

    pack: str = Field(pattern=SLUG)
    adoption: Literal["county"] | None = None
    regions: list[RegionEntry] = []
    counties: list[CountyEntry] = []

    @model_validator(mode="after")
    def _regions_exist(self) -> Geography:
        if self.adoption is not None:
            if self.counties or self.regions:
                raise ValueError(
                    "adoption: a pack adopted by a county lists no regions or counties of its own"
                )
            return self
        if not any(not r.kind for r in self.regions):
            raise ValueError(
                "regions: give at least one region without a `kind` (or `adoption: county`)"
            )
        kinds = {r.slug: r.kind for r in self.regions}
        seen: set[str] = set()
        for i, region in enumerate(self.regions):
            if region.slug in seen:
                raise ValueError(f"regions[{i}].slug: {region.slug!r} is given twice")
            seen.add(region.slug)
        slugs: set[str] = set()
        fips: set[str] = set()
        for i, county in enumerate(self.counties):
            if county.slug in slugs:
                raise ValueError(f"counties[{i}].slug: {county.slug!r} is given twice")
            slugs.add(county.slug)
            if county.fips and county.fips in fips:
                raise ValueError(f"counties[{i}].fips: {county.fips!r} is given twice")
            fips.add(county.fips)
            if kinds.get(county.region) != "":
                raise ValueError(
                    f"counties[{i}].region: {county.region!r} is not a region above"
                    + (" of the kind counted by (no `kind`)" if county.region in kinds else "")
                )
            also_kinds: set[str] = set()
            for j, other in enumerate(county.also):
                kind = kinds.get(other)
                if not kind:
                    raise ValueError(
                        f"counties[{i}].also[{j}]: {other!r} is not a region above with a `kind`"
                    )
                if kind in also_kinds:
                    raise ValueError(f"counties[{i}].also[{j}]: a second {kind!r} region")
                also_kinds.add(kind)
        return self


# --- obligations -----------------------------------------------------------------------------
TRIGGERS = (
    "identification",  # a youth is identified (screening outcome confirmed or high risk)
    "urgent_identification",  # identification judged urgent (pack rule or a user's override)
    "reasonable_cause",  # reasonable cause to believe a youth is abused or neglected
    "first_contact",  # the first contact with an identified youth
    "missing",  # a youth goes missing or runs away
    "return",  # a youth returns from a missing episode
    "danger_on_return",  # a returning youth says they are in danger now (9-G question 1)
    "placement_disruption",  # a youth's placement ends unplanned (disrupts)
    "crisis_event",  # a crisis event on the case (the pack's `events` rules say which kinds)
    "high_risk_review",  # periodic while a youth remains high risk
    "service_plan",  # a service plan is made or reviewed: the next scheduled review
    "plan_no_movement",  # no outcome of the service plan has moved for the agency's weeks
    "referral_unanswered",  # a referral has waited the agency's business days with no answer
    "sexual_assault",  # a sexual assault is disclosed or known
    "disclosure_in_custody",  # a disclosure to a medical or mental-health provider in custody
    "placement_change",  # the youth moves to a new placement (a placement recorded after another)
    # a screening the agency's own policy calls for (`agency_screening`, decision 0065): a new
    # client in its screening population, an event or a warning sign it screens on
    "agency_screening",
)


class Due(Strict):
    """When the obligation falls due, counted from the trigger event's time."""

    hours: float | None = Field(default=None, gt=0)  # elapsed clock hours
    # business days: weekends and the pack's state holidays skipped (response.clocks)
    business_days: int | None = Field(default=None, gt=0, le=60)
    immediately: bool = False  # statute says "immediately": due at the event, overdue at once
    at_event: bool = False  # at the triggering contact itself (e.g. at first contact)
    note: str = ""  # the law's own words, e.g. "at the first opportunity"

    @model_validator(mode="after")
    def _one(self) -> Due:
        given = [self.hours is not None, self.business_days is not None]
        if sum([*given, self.immediately, self.at_event]) != 1:
            raise ValueError(
                "give exactly one of: hours, business_days, immediately: true, at_event: true"
            )
        return self


class Owner(Strict):
    org_types: list[str] = Field(min_length=1)  # people.roles.OrgType slugs
    role: str = "caseworker"  # people.roles.Role slug


class Repeat(Strict):
    every_days: int = Field(gt=0)
    while_condition: str = Field(alias="while", min_length=1)  # e.g. "high_risk"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Obligation(Cited):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    trigger: str
    due: Due
    owner: Owner
    authority: str = ""  # statute or resource, e.g. "NRS 432B.220"
    repeat: Repeat | None = None
    agency_configurable: bool = False  # an agency's policy may change the clock (e.g. NRIT 8-B)
    # Organization types the duty reports to: when one of them opens the case it has received
    # the report, so the obligation is recorded as received, not created as work (issue 12).
    received_by: list[str] = Field(default_factory=list)
    description: str = ""

    @model_validator(mode="after")
    def _trigger(self) -> Obligation:
        if self.trigger not in TRIGGERS:
            raise ValueError(f"trigger: {self.trigger!r} is not one of {', '.join(TRIGGERS)}")
        return self


class ScreeningTriggers(Cited):
    """Which triggers a completed screening fires: `when` is a condition over the instrument's
    results (the instruments' condition language, e.g. `{result: confirmed_victim}`)."""

    when: dict[str, Any]
    fire: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> ScreeningTriggers:
        for name in self.fire:
            if name not in TRIGGERS:
                raise ValueError(f"fire: {name!r} is not a trigger ({', '.join(TRIGGERS)})")
        return self


class ScreeningRule(Cited):
    instrument: str = Field(pattern=ID)
    triggers: list[ScreeningTriggers] = Field(min_length=1)


class UrgentRule(Cited):
    """When an identification is urgent (a user may override with a reason): identified by one
    of these organization types, or in one of these settings."""

    identified_by: list[str] = []
    settings: list[str] = []


# The crisis events a case records (missing.CrisisEvent, issue 12): a pack's `events` rules say
# which triggers each fires. A runaway is a missing episode; a placement disruption is a placement
# ended with the reason "disruption"; the others are recorded as events of their own.
EVENT_KINDS = (
    "runaway",
    "return_to_exploiter",
    "suicide_attempt",
    "placement_disruption",
    "arrest",
    "reasonable_cause",  # a concern: reasonable cause to believe a youth is abused or neglected
    "sexual_assault",  # a sexual assault, disclosed or known
    "disclosure_in_custody",  # a disclosure to a medical or mental-health provider in custody
)


class EventRule(Cited):
    """Which triggers a crisis event of `kind` fires."""

    kind: str
    fire: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> EventRule:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"kind: {self.kind!r} is not an event kind ({', '.join(EVENT_KINDS)})")
        for name in self.fire:
            if name not in TRIGGERS:
                raise ValueError(f"fire: {name!r} is not a trigger ({', '.join(TRIGGERS)})")
        return self


class WarningSign(Cited):
    """A warning sign an agency's policy may name as a reason to screen (8-B: "Which warning
    signs for sex trafficking will trigger an NRIT screening?")."""

    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)


class AgencyScreening(Cited):
    """What the pack leaves to an agency's policy about WHICH youth it screens (decision 0065):
    `obligation` is the pack's rule (trigger `agency_screening`) that such a screening starts;
    `population` whether an agency may name the new clients it screens (all, or an age range);
    `events` the triggers an agency may screen after; `signs` the warning signs it may screen
    on."""

    obligation: str = Field(pattern=ID)
    population: bool = True
    events: list[str] = []
    signs: list[WarningSign] = []

    @model_validator(mode="after")
    def _known(self) -> AgencyScreening:
        for name in self.events:
            if name not in TRIGGERS or name == "agency_screening":
                raise ValueError(f"events: {name!r} is not a trigger an agency may screen after")
        _unique_ids(self.events, "events")
        _unique_ids([s.id for s in self.signs], "signs")
        return self


class Obligations(Strict):
    obligations: list[Obligation] = Field(min_length=1)
    screening: list[ScreeningRule] = []
    events: list[EventRule] = []
    urgent: UrgentRule | None = None
    agency_screening: AgencyScreening | None = None

    @model_validator(mode="after")
    def _unique(self) -> Obligations:
        _unique_ids([o.id for o in self.obligations], "obligations")
        _unique_ids([r.instrument for r in self.screening], "screening")
        _unique_ids([r.kind for r in self.events], "events")
        chosen = self.agency_screening
        if chosen is not None:
            rule = next((o for o in self.obligations if o.id == chosen.obligation), None)
            if rule is None:
                raise ValueError(
                    f"agency_screening.obligation: no obligation {chosen.obligation!r}"
                )
            if rule.trigger != "agency_screening":
                raise ValueError(
                    "agency_screening.obligation: its trigger must be agency_screening, "
                    f"not {rule.trigger!r}"
                )
        return self


# --- consent ---------------------------------------------------------------------------------
CONSENT_KINDS = ("youth_assent", "parent_guardian", "court")


class ConsentRule(Cited):
    """For youth aged `min_age` up to (not including) `below_age`: every group in `requires` must
    be met by one active consent record of one of the group's kinds."""

    id: str = Field(pattern=ID)
    min_age: int = Field(default=0, ge=0)
    below_age: int | None = Field(default=None, gt=0)
    requires: list[list[Literal["youth_assent", "parent_guardian", "court"]]] = Field(min_length=1)
    note: str = ""


class Consent(Strict):
    rules: list[ConsentRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _cover(self) -> Consent:
        _unique_ids([r.id for r in self.rules], "rules")
        return self

    def rule_for(self, age: int | None) -> ConsentRule | None:
        if age is None:  # unknown age: the strictest rule (the most requirements)
            return max(self.rules, key=lambda r: (len(r.requires), -r.min_age))
        for rule in self.rules:
            if rule.min_age <= age and (rule.below_age is None or age < rule.below_age):
                return rule
        return None


# --- code book -------------------------------------------------------------------------------
class ValueCode(Strict):
    code: int
    label: str = Field(min_length=1)


class Variable(Cited):
    number: int = Field(ge=1)
    name: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    type: Literal["coded", "date", "text", "number", "id"]
    values: list[ValueCode] = []
    tier: Literal["critical", "recommended", "not_necessary"]
    note: str = ""

    @model_validator(mode="after")
    def _codes(self) -> Variable:
        if self.type == "coded" and not self.values:
            raise ValueError("a coded variable needs its value codes")
        codes = [v.code for v in self.values]
        if len(codes) != len(set(codes)):
            raise ValueError("value codes must be unique")
        return self


class Codebook(Strict):
    title: str = Field(min_length=1)
    source: str
    variables: list[Variable] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Codebook:
        _unique_ids([v.name for v in self.variables], "variables")
        _unique_ids([str(v.number) for v in self.variables], "variables (number)")
        return self


# --- training --------------------------------------------------------------------------------
class Competency(Cited):
    code: str = Field(min_length=1)
    title: str = Field(min_length=1)


class Course(Cited):
    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    tier: str = ""  # e.g. "100", "200"
    levels: list[Literal["basic", "intermediate", "advanced", "in_depth"]] = ["basic"]
    hours: float | None = Field(default=None, gt=0)
    competencies: list[str] = []
    audience: str = ""
    description: str = ""


class Requirement(Cited):
    """E.g. 'at least 2 officers with in-depth training per law-enforcement agency'."""

    id: str = Field(pattern=ID)
    scope: Literal["person", "agency", "county", "region", "task_force", "state"]
    subject: str = Field(min_length=1)  # who must be trained, in words
    org_types: list[str] = []  # people.roles.OrgType slugs the requirement applies to
    roles: list[str] = []  # people.roles.Role slugs, or empty for any role
    courses: list[str] = []  # course codes that count (empty: any course of the level)
    level: Literal["basic", "intermediate", "advanced", "in_depth", "any"] = "any"
    required: int = Field(default=1, ge=1)  # how many people (scope != person)
    within_days_of_hire: int | None = Field(default=None, gt=0)
    hours_per_year: float | None = Field(default=None, gt=0)
    before: str = ""  # e.g. "supervisors before their staff"


class Training(Strict):
    competencies: list[Competency] = []
    courses: list[Course] = []
    requirements: list[Requirement] = []

    @model_validator(mode="after")
    def _references(self) -> Training:
        _unique_ids([c.code for c in self.courses], "courses")
        known = {c.code for c in self.competencies}
        for i, course in enumerate(self.courses):
            for code in course.competencies:
                if code not in known:
                    raise ValueError(
                        f"courses[{i}].competencies: {code!r} is not a competency above"
                    )
        codes = {c.code for c in self.courses}
        for i, req in enumerate(self.requirements):
            for code in req.courses:
                if code not in codes:
                    raise ValueError(f"requirements[{i}].courses: {code!r} is not a course above")
        return self


# --- reference contacts ----------------------------------------------------------------------
class Contact(Cited):
    id: str = Field(pattern=ID)
    name: str = Field(min_length=1)
    kind: Literal["hotline", "emergency_service", "service_finder", "shelter", "drop_in"]
    phone: str = ""
    text: str = ""  # text-message number or keyword
    url: str = ""
    hours: str = ""
    area: str = ""  # where it serves
    description: str = ""
    verify_before_use: bool = False  # the source is dated: confirm before giving it to a youth


class Reference(Strict):
    contacts: list[Contact] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Reference:
        _unique_ids([c.id for c in self.contacts], "contacts")
        return self


# --- named lists -----------------------------------------------------------------------------
# A language other than English a list's words are given in (decision 0064): a lower-case ISO
# 639-1 code, optionally with a region (`es`, `es-mx`). The pack's own words are English.
LANGUAGE = r"^[a-z]{2}(-[a-z0-9]{2,8})?$"


def _languages(value: dict[str, Any]) -> dict[str, Any]:
    for code in value:
        if not isinstance(code, str) or not re.match(LANGUAGE, code) or code == "en":
            raise ValueError(
                f"{code!r} is not a language code other than English "
                "(lower-case ISO 639-1, e.g. es)"
            )
    return value


class EntryText(Strict):
    """An entry's words in another language; a description left out is shown in English."""

    label: str = Field(min_length=1)
    description: str = ""


class ListText(Strict):
    title: str = Field(min_length=1)


class ListEntry(Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    description: str = ""
    source: str = ""
    entries: list[ListEntry] = []  # e.g. a service category's best-practice attributes
    translations: dict[str, EntryText] = {}  # language -> the entry's words in it

    @field_validator("translations")
    @classmethod
    def _codes(cls, value: dict[str, EntryText]) -> dict[str, EntryText]:
        return _languages(value)


class NamedList(Cited):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    entries: list[ListEntry] = Field(min_length=1)
    # Who reads the list: `staff` (the default) or `youth` / `family` - printed on what a youth
    # or a family receives, so every entry should be translated into every language Harborline
    # prints in (`harborline protocols validate` warns about each missing one).
    audience: Literal["staff", "youth", "family"] = "staff"
    translations: dict[str, ListText] = {}

    @field_validator("translations")
    @classmethod
    def _codes(cls, value: dict[str, ListText]) -> dict[str, ListText]:
        return _languages(value)


class Lists(Strict):
    lists: list[NamedList] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Lists:
        _unique_ids([x.id for x in self.lists], "lists")
        return self


ListEntry.model_rebuild()


def _unique_ids(ids: list[str], where: str) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{where}: ids must be unique; repeated: {', '.join(repeated)}")


SECTIONS: dict[str, type[BaseModel]] = {
    "geography.yaml": Geography,
    "obligations.yaml": Obligations,
    "consent.yaml": Consent,
    "codebook.yaml": Codebook,
    "training.yaml": Training,
    "reference.yaml": Reference,
    "lists.yaml": Lists,
}
