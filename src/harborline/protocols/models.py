"""Geography that protocol packs define: regions and the counties in them."""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    pack = models.SlugField(max_length=40, help_text="The protocol pack that defines this region.")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)

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
    fips = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["pack", "name"]
        verbose_name_plural = "counties"
        constraints = [models.UniqueConstraint(fields=["pack", "slug"], name="county_unique_slug")]

    def __str__(self) -> str:
        return self.name
