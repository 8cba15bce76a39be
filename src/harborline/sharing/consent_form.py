"""The consent form a youth and a family read and sign (issue 15 item 6, decision 0064): for a
consent record on a case (what it shares, with whom, for what, until when), or blank, to take to
the family before the consent is recorded — the record then names the signed form as its
evidence (`EvidenceKind.SIGNED_FORM`). English or Spanish: Harborline's words are in Django's
catalogue (`src/harborline/locale/`), built here inside `translation.override(lang)`.

What the form says, and where it comes from (the seeds set no consent form; decision 0064's
section "The consent form and the referral handout" has the reasons):

- what is shared, with whom, for what, until when, and how to withdraw: the consent record's
  own fields (decision 0009; "keep consent and release records per sharing agency and per
  category", spec nv_coordination §4 R57; Wisconsin's advocates share "with the youth's written
  consent", seed 004 L273, spec other_seeds "Confidentiality and consent");
- withdrawing ends the sharing at once (revoking a consent ends the shares resting on it,
  decision 0009), but what was already shared cannot be called back;
- mandated reports are not consent: the child-welfare and missing-youth reports are duties
  (spec nv_service_delivery §5, "software should not gate them on youth agreement");
- an interpreter, never family or friends (seed 004 L534, spec other_seeds);
- the youth's voice in what is shared (seed 001 L4366-4369, spec nv_service_delivery C7): the
  youth signs even where the law asks for an adult's consent (the assent line);
- who signs: the pack's consent rule for the youth's age (`consent.yaml`); a pack with no rule
  asks for the youth and, under 18 or with no date of birth, a parent or guardian.

It never carries the youth's address, contacts or any record's contents: the youth's name and
date of birth (a consent must say whose information it is), the owning agency, the recipients'
names, the compartments in plain words, the purpose as recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from harborline.access.compartments import ALL as COMPARTMENTS
from harborline.access.models import Consent, ConsentKind
from harborline.errors import InvalidInput
from harborline.pdf import Part, Printout, Signature
from harborline.protocols.packs import get_pack
from harborline.protocols.sections import Consent as ConsentRules
from harborline.protocols.sections import ConsentRule
from harborline.protocols.translations import printout_language_codes

if TYPE_CHECKING:
    from harborline.cases.models import Case
    from harborline.people.models import Organization


def check_language(lang: str) -> str:
    if lang not in printout_language_codes():
        raise InvalidInput.field("lang", "Select a language the form is printed in")
    return lang


def long_date(value: date | datetime, tz: str = "") -> str:
    """'3 March 2027' / '3 de marzo de 2027', in the active language."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, ZoneInfo(tz)).date() if tz else value.date()
    return dateformat.format(value, pgettext("a date on a printout", "j F Y"))


def compartment_words(name: str) -> str:
    """A compartment as a youth reads it, in the active language."""
    words = {
        "identity": _("Who you are: your name, date of birth and other names you use"),
        "contact": _("How to reach you: phone numbers and other contact details"),
        "placement_address": _("Where you live now (your placement address)"),
        "screening": _("Screening results: what workers have noted about risks to you"),
        "safety": _(
            "Your safety plan and safety information, including information about anyone "
            "who has hurt you or taken advantage of you"
        ),
        "medical": _("Medical and health care"),
        "mental_health": _("Mental health and counseling"),
        "substance_use": _("Alcohol or drug use and treatment"),
        "education": _("School and education"),
        "legal": _("Court and legal matters"),
        "advocate_privileged": _("Your advocate's private notes"),
    }
    return words[name]


def _kind_words(kind: str) -> str:
    return {
        ConsentKind.YOUTH_ASSENT: _("the youth"),
        ConsentKind.PARENT_GUARDIAN: _("a parent or guardian"),
        ConsentKind.COURT: _("the court"),
    }[ConsentKind(kind)]


def _needed_words(kind: str) -> str:
    return {
        ConsentKind.YOUTH_ASSENT: _("the youth's own consent"),
        ConsentKind.PARENT_GUARDIAN: _("the consent of a parent or guardian"),
        ConsentKind.COURT: _("the consent of the court"),
    }[ConsentKind(kind)]


def consent_rule(case: Case) -> ConsentRule | None:
    rules = get_pack(case.pack).sections.get("consent.yaml")
    if not isinstance(rules, ConsentRules):
        return None
    return rules.rule_for(case.youth.age_on(timezone.localdate()))


def signers(case: Case) -> tuple[bool, bool, bool]:
    """(the youth's consent is required, a parent's or guardian's line is printed, the court
    may consent instead): from the pack's rule for the youth's age; without a rule, a parent or
    guardian signs for a youth under 18 or of unknown age."""
    rule = consent_rule(case)
    if rule is None:
        age = case.youth.age_on(timezone.localdate())
        return True, age is None or age < 18, False
    kinds = {kind for group in rule.requires for kind in group}
    youth = any(group == ["youth_assent"] for group in rule.requires)
    return youth, "parent_guardian" in kinds, "court" in kinds


def _rights(agency: str) -> list[str]:
    return [
        _("You can say no. If you say no, %(agency)s will still help you.") % {"agency": agency},
        _(
            "Only the information listed here is shared, only with the agencies named here, "
            "and only for the purpose written here."
        ),
        _(
            "You can change your mind at any time. Tell %(agency)s that you want the sharing "
            "to stop. It stops as soon as they record it; information already shared cannot "
            "be taken back."
        )
        % {"agency": agency},
        _(
            "The law requires some things to be reported, for example to child welfare or the "
            "police when a young person may be in danger. This form does not change that."
        ),
        _(
            "You can ask for an interpreter. A family member or a friend should not be asked "
            "to interpret."
        ),
        _("You can ask questions before you sign, and get a copy of this form."),
    ]


def _signatures(case: Case, consent: Consent | None) -> list[Signature]:
    youth_required, parent, court = signers(case)
    given = {consent.kind: consent.given_by} if consent is not None else {}
    found = [
        Signature(
            _("The youth") if youth_required else _("The youth (agreeing, when they can)"),
            name=given.get(ConsentKind.YOUTH_ASSENT, ""),
        )
    ]
    if parent:
        found.append(
            Signature(
                _("Parent or guardian"),
                name=given.get(ConsentKind.PARENT_GUARDIAN, ""),
                extra=_("Relationship to the youth"),
            )
        )
    found.append(Signature(_("Staff member who explained this form")))
    return found


def _also_needed(case: Case, consent: Consent) -> str:
    """The other consents sharing needs besides this record, by the pack's age rule."""
    rule = consent_rule(case)
    if rule is None:
        return ""
    other = [group for group in rule.requires if consent.kind not in group]
    if not other:
        return ""
    either = _("or")
    words = [f" {either} ".join(_needed_words(kind) for kind in group) for group in other]
    return _("Sharing also needs %(what)s, given separately.") % {"what": "; ".join(words)}


def _about(case: Case) -> Part:
    youth = case.youth
    born = youth.birth_date
    return Part(
        _("Whose information"),
        facts=[
            (_("Name"), f"{youth.first_name} {youth.last_name}".strip()),
            (_("Date of birth"), long_date(born) if born else ""),
            (_("Agency that keeps the record"), case.owner.name),
            (_("Case number"), str(case.pk)),
        ],
    )


def build(
    case: Case,
    *,
    lang: str,
    consent: Consent | None = None,
    recipients: list[Organization] | None = None,
    compartments: list[str] | None = None,
    purpose: str = "",
) -> Printout:
    """The form in `lang`: for `consent` (its record), or blank — optionally with the
    recipients, compartments and purpose already chosen (from the sharing wizard)."""
    check_language(lang)
    tz = case.owner.time_zone
    agency = case.owner.name
    with translation.override(lang):
        doc = Printout(
            lang=lang,
            title=_("Consent to share information"),
            intro=[
                _(
                    "This form says what information about you may be shared, with whom, what "
                    "for and for how long. Read it, or ask someone to read it to you, before "
                    "you sign. You can ask questions."
                )
            ],
            signature_heading=_("Signatures"),
            sign_words=(_("Signature"), _("Date"), _("Printed name")),
        )
        doc.parts.append(_about(case))
        if consent is not None:
            names = [o.name for o in consent.recipients.all()]
            chosen = list(consent.compartments)
            purpose = consent.purpose
            doc.parts.append(
                Part(
                    _("Who gives this consent"),
                    facts=[
                        (_("Given by"), consent.given_by),
                        (_("As"), _kind_words(consent.kind)),
                        (_("Date given"), long_date(consent.given_on)),
                    ],
                )
            )
        else:
            names = [o.name for o in recipients or []]
            chosen = [n for n in COMPARTMENTS if n in (compartments or [])]
        what = Part(_("What may be shared"))
        if chosen:
            what.items = [compartment_words(n) for n in chosen]
        else:
            what.paragraphs = [_("Tick each kind of information that may be shared.")]
            what.boxes = [compartment_words(n) for n in COMPARTMENTS]
        doc.parts.append(what)
        to = Part(_("Who may receive it"))
        if names:
            to.items = names
        else:
            to.paragraphs = [_("Write the name of each agency.")]
            to.blank_lines = 3
        doc.parts.append(to)
        why = Part(_("What for"))
        if purpose:
            why.paragraphs = [purpose]
        else:
            why.blank_lines = 2
        doc.parts.append(why)
        until = Part(_("For how long"))
        if consent is None:
            until.facts = [(_("Until (date)"), "")]
            until.paragraphs = [_("If no date is written, until you withdraw it.")]
        elif consent.expires_at is not None:
            until.paragraphs = [
                _("Until %(date)s, unless you withdraw it sooner.")
                % {"date": long_date(consent.expires_at, tz)}
            ]
        else:
            until.paragraphs = [_("Until you withdraw it.")]
        doc.parts.append(until)
        doc.parts.append(Part(_("Your rights"), items=_rights(agency)))
        if consent is not None:
            if consent.revoked_at is not None:
                doc.notice = _("This consent was withdrawn on %(date)s.") % {
                    "date": long_date(consent.revoked_at, tz)
                }
            elif not consent.active():
                doc.notice = _("This consent ended on %(date)s.") % {
                    "date": long_date(consent.expires_at or timezone.now(), tz)
                }
            also = _also_needed(case, consent)
            if also:
                doc.parts[1].paragraphs.append(also)
        if consent is None or consent.kind != ConsentKind.COURT:
            doc.signatures = _signatures(case, consent)
        else:
            doc.parts[1].paragraphs.append(
                _("The court gave this consent: %(order)s")
                % {"order": consent.evidence_reference or "-"}
            )
        if consent is not None:
            doc.footer = [
                _("Consent record %(number)s, recorded %(date)s")
                % {"number": consent.pk, "date": long_date(consent.recorded_at, tz)}
            ]
        else:
            doc.footer = [_("Printed %(date)s") % {"date": long_date(timezone.now(), tz)}]
    return doc
