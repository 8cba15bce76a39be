"""Geography that protocol packs define: regions and the counties in them, and which counties
have adopted a pack written for any county (the county protocol)."""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    pack = models.SlugField(max_length=40, help_text="The protocol pack that defines this region.")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    kind = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text='"" for the regions the pack counts by; e.g. "task_force" for another grouping.',
    )

    class Meta:
        ordering = ["pack", "name"]
        constraints = [models.UniqueConstraint(fields=["pack", "slug"], name="region_unique_slug")]

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    pack = models.SlugField(max_length=40)
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="counties")
    also = models.ManyToManyField(
        Region,
        blank=True,
        related_name="member_counties",
        help_text="Regions of other kinds the county is in (e.g. a task-force region).",
    )
    fips = models.CharField(max_length=5, blank=True)
    time_zone = models.CharField(max_length=60, blank=True, help_text="IANA time zone.")

    class Meta:
        ordering = ["pack", "name"]
        verbose_name_plural = "counties"
        constraints = [models.UniqueConstraint(fields=["pack", "slug"], name="county_unique_slug")]

    def __str__(self) -> str:
        return self.name

    @property
    def qualified(self) -> str:
        """`pack/slug`: the name that is never ambiguous (two states may both have a county of
        the same name)."""
        return f"{self.pack}/{self.slug}"


class Adoption(models.Model):
    """A county has adopted a pack written for any county (`harborline protocols adopt`)."""

    pack = models.SlugField(max_length=40)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="adoptions")
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pack", "county__pack", "county__name"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "county"], name="adoption_unique_county")
        ]

    def __str__(self) -> str:
        return f"{self.pack} adopted by {self.county.qualified}"


class InstrumentDefinition(models.Model):
    """An instrument as a pack version defined it, recorded the first time that version loads
    (`harborline migrate`), so a record made under an earlier version keeps that version's labels
    after the pack is upgraded."""

    pack = models.SlugField(max_length=63)
    version = models.CharField(max_length=20)
    instrument = models.SlugField(max_length=63)
    definition = models.JSONField(help_text="The instrument as the pack version defined it.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pack", "instrument", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "version", "instrument"], name="instrument_definition_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pack} {self.version} {self.instrument}"
