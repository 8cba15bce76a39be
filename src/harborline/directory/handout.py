"""The referral handout a youth or a family takes away (issue 15 item 6, decision 0064): where
they are referred — the service, its address, phones and hours from its directory entry, what to
bring, whom to call — in English or Spanish, from the referral's page.

It carries the service's public directory facts and the referring agency's name, nothing else:
not the youth's name, the needs, what the service may see, the legal basis, the staff member who
walks the youth over (only that someone will), any other youth's or agency's data. A
confidential site's address is never printed, not even when its own staff print it: a paper the
youth carries may be found (spec nv_service_delivery C1, C3: never expose the real address on
outputs); the youth is told how to get there. Harborline's words come from Django's catalogue;
the directory's own words (the service's name, the documents it asks for) are printed as the
directory records them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from django.utils import formats, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.selectors import preferred_language
from harborline.directory.models import Location, Record, Referral
from harborline.directory.referrals import referral_for
from harborline.pdf import Part, Printout
from harborline.people.models import User
from harborline.sharing.consent_form import check_language, long_date

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _address(location: Location) -> list[str]:
    rows = Record.objects.filter(table="address", location_key=location.hsds_id).order_by("hsds_id")
    found = []
    for row in rows:
        a = row.data
        street = ", ".join(str(a[k]) for k in ("address_1", "address_2") if a.get(k))
        town = " ".join(str(a[k]) for k in ("state_province", "postal_code") if a.get(k))
        line = ", ".join(p for p in (street, str(a.get("city") or ""), town) if p)
        if line:
            found.append(line)
    return found


def _clock(value: str) -> str:
    try:
        return str(formats.time_format(time.fromisoformat(value)))
    except ValueError:
        return value


def _hours(service: Any) -> list[str]:
    if service.always_open:
        return [_("Open 24 hours a day, 7 days a week")]
    lines = []
    for entry in service.hours or []:
        days = ", ".join(str(WEEKDAYS[DAYS.index(d)]) for d in entry.get("days", []) if d in DAYS)
        lines.append(
            _("%(days)s: %(opens)s to %(closes)s")
            % {
                "days": days,
                "opens": _clock(str(entry.get("opens", ""))),
                "closes": _clock(str(entry.get("closes", ""))),
            }
        )
    return lines or [_("Call to ask when it is open.")]


def _language_names(codes: list[str]) -> list[str]:
    names = []
    for code in codes:
        try:
            names.append(str(translation.get_language_info(code.lower())["name_translated"]))
        except KeyError:
            names.append(code)
    return names


def build(referral: Referral, *, lang: str) -> Printout:
    check_language(lang)
    service = referral.service
    agency = referral.referrer.name
    tz = referral.case.owner.time_zone
    children = Record.objects.filter(service_key=service.hsds_id)
    phones = [
        str(r.data.get("number"))
        for r in children.filter(table="phone").order_by("hsds_id")
        if r.data.get("number")
    ]
    documents = [
        str(r.data.get("document"))
        for r in children.filter(table="required_document").order_by("hsds_id")
        if r.data.get("document")
    ]
    places = list(service.locations.all())
    with translation.override(lang):
        doc = Printout(
            lang=lang,
            title=_("Your referral"),
            intro=[
                _("%(agency)s has referred you to this service. Here is how to reach it.")
                % {"agency": agency}
            ],
        )
        facts = [(_("Name"), service.name)]
        if service.provider is not None and service.provider.name != service.name:
            facts.append((_("Offered by"), service.provider.name))
        if service.languages:
            facts.append((_("Languages spoken"), ", ".join(_language_names(service.languages))))
        doc.parts.append(Part(_("The service"), facts=facts))
        where = Part(_("Where"))
        for place in places:
            if place.confidential:
                where.paragraphs.append(
                    _(
                        "The address is not printed, to keep the place safe. You will be told "
                        "how to get there."
                    )
                )
            else:
                where.items += _address(place)
        if not where.items and not where.paragraphs:
            where.paragraphs = [_("Call for the address.")]
        doc.parts.append(where)
        doc.parts.append(
            Part(
                _("Phone"),
                items=phones,
                paragraphs=[] if phones else [_("No phone number is listed.")],
            )
        )
        doc.parts.append(Part(_("Hours"), items=_hours(service)))
        bring = Part(_("What to bring"), items=[*documents, _("This paper.")])
        if not documents:
            bring.paragraphs = [
                _("The service lists nothing you must bring. Call if you are not sure.")
            ]
        doc.parts.append(bring)
        call = [
            _("Questions about this referral: %(agency)s, the agency that gave you this paper.")
            % {"agency": agency}
        ]
        if referral.warm_handoff:
            call.append(
                _("Someone from %(agency)s will go with you the first time.") % {"agency": agency}
            )
        doc.parts.append(Part(_("Who to call"), paragraphs=call))
        doc.always = [
            _("In an emergency: call 9-1-1"),
            _("National Human Trafficking Hotline: 1-888-373-7888 (text 233733, TTY 711)"),
        ]
        when = referral.requested_at or referral.closed_at
        doc.footer = [
            _("Keep this paper only if it is safe for you to have it."),
            *([_("Referred on %(date)s") % {"date": long_date(when, tz)}] if when else []),
        ]
    return doc


def handout(
    *,
    actor: User,
    referral_id: int,
    lang: str,
    remembered: Callable[[int, str], str] | None = None,
    export: bool = False,
) -> tuple[Printout, Referral, str]:
    """The handout of one referral in `lang` (empty: `remembered(case id, preferred)`, the
    language last chosen for the referral's case, else the youth's preferred language; without
    `remembered`, the preferred language, else English), for whoever may open the referral's
    page (either side; NotFound otherwise). Recorded as a read of the referral, an export when
    it is the PDF (`export`), as the youth-safe copy is. Also returns the youth's preferred
    language as the actor may know it: only with the identity compartment
    (`cases.selectors.preferred_language`), so the receiving side's first choice never tells it."""
    referral, _side = referral_for(actor, referral_id)
    preferred = preferred_language(actor, referral.case)
    if not lang:
        if remembered is not None:
            lang = remembered(referral.case_id, preferred)
        else:
            lang = preferred or "en"
    check_language(lang)
    doc = build(referral, lang=lang)
    case = referral.case
    record(
        actor=actor,
        action=Action.EXPORT if export else Action.VIEW,
        obj=referral,
        owner_org=case.owner,
        youth_id=case.youth_id,
        purpose="referral handout for the youth and family",
        legal_basis=f"{referral.basis_type}:{referral.basis_reference}",
        detail={"printout": "referral_handout", "lang": lang, "service": referral.service.hsds_id},
    )
    return doc, referral, preferred
