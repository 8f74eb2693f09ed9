"""The route table of the legacy generation (rows L1-L3 of the inventory)."""

from __future__ import annotations

from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
