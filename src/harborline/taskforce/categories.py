"""Member categories and suggested subcommittees, read from a task force's protocol pack.

Which list holds a pack's member categories (docs/decisions/0010-task-force-members.md): the first
of MEMBER_LISTS the pack defines. A category the pack does not list may still be given as
"other: <name>" — recorded as such and shown apart from the pack's categories in the
representation view, so the pack's list stays the measure of who is missing."""

from __future__ import annotations

from dataclasses import dataclass

from harborline.errors import InvalidInput
from harborline.protocols.packs import get_pack, registry

# Washington: the toolkit's 13 task-force member categories; Wisconsin: the community response
# team's categories; Nevada: the protocol's task-force disciplines (`task_force_members`); a pack
# with none of these falls back to its MDT membership list (core and as-needed members).
MEMBER_LISTS = ("task_force_members", "member_categories", "community_response_team", "mdt_members")
SUBCOMMITTEE_LIST = "subcommittees"
OTHER_PREFIX = "other:"


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    parent: str = ""  # a sub-category counts towards its parent in the representation view
    description: str = ""


@dataclass(frozen=True)
class CategorySet:
    pack: str
    list_id: str
    title: str
    top: tuple[Category, ...]  # what representation is measured against
    all: dict[str, Category]  # every id a member may carry

    def label(self, category_id: str) -> str:
        if category_id.startswith(OTHER_PREFIX):
            return "Other: " + category_id[len(OTHER_PREFIX) :].strip()
        found = self.all.get(category_id)
        return found.label if found else category_id

    def covers(self, category_id: str) -> str:
        """The top-level category a member's category counts towards ('' for other)."""
        found = self.all.get(category_id)
        if found is None:
            return ""
        return found.parent or found.id


def _named_list(pack_name: str, list_id: str) -> object | None:
    lists = get_pack(pack_name).section("lists.yaml")
    if lists is None:
        return None
    return next((x for x in lists.lists if x.id == list_id), None)


def categories_for(pack_name: str) -> CategorySet:
    for list_id in MEMBER_LISTS:
        found = _named_list(pack_name, list_id)
        if found is None:
            continue
        top: list[Category] = []
        every: dict[str, Category] = {}
        grouped = list_id == "mdt_members"  # its entries are groups (core, as needed)
        for entry in found.entries:  # type: ignore[attr-defined]  # _named_list returns the pack's list section
            if grouped:
                for child in entry.entries:
                    cat = Category(child.id, child.label, "", child.description)
                    top.append(cat)
                    every[cat.id] = cat
                continue
            cat = Category(entry.id, entry.label, "", entry.description)
            top.append(cat)
            every[cat.id] = cat
            for child in entry.entries:
                every[child.id] = Category(
                    child.id, f"{entry.label}: {child.label}", entry.id, child.description
                )
        return CategorySet(pack_name, list_id, found.title, tuple(top), every)  # type: ignore[attr-defined]  # _named_list returns the pack's list section
    return CategorySet(pack_name, "", "Member categories", (), {})


def suggested_subcommittees(pack_name: str) -> list[tuple[str, str]]:
    found = _named_list(pack_name, SUBCOMMITTEE_LIST)
    if found is None:
        return []
    return [(e.id, e.label) for e in found.entries]  # type: ignore[attr-defined]  # _named_list returns the pack's list section


def check_pack(pack_name: str, field: str = "pack") -> str:
    pack_name = (pack_name or "").strip()
    names = sorted(registry())
    if pack_name not in names:
        raise InvalidInput.field(
            field, f"{pack_name!r} is not an installed protocol pack (one of: {', '.join(names)})"
        )
    return pack_name


def check_category(pack_name: str, category: str, field: str = "category") -> str:
    """The category as stored, or InvalidInput naming `field`."""
    category = (category or "").strip()
    if category.lower().startswith(OTHER_PREFIX):
        name = category[len(OTHER_PREFIX) :].strip()
        if not name or len(name) > 100:
            raise InvalidInput.field(field, "give the other category's name after 'other:'")
        return OTHER_PREFIX + " " + name
    cats = categories_for(pack_name)
    if category in cats.all:
        return category
    known = ", ".join(cats.all) or "none"
    raise InvalidInput.field(
        field,
        f"{category!r} is not a member category of the {pack_name} pack (one of: {known}; "
        "or 'other: <name>' for a category the pack does not list)",
    )
