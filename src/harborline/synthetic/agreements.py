"""Synthetic agreements data (see the package docstring for the shape of a domain module)."""

from __future__ import annotations

from .base import Context


def build(ctx: Context) -> None:
    """Nothing yet."""
