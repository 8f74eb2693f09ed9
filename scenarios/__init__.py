"""The scenarios, installed as the package ``mock_ingrid.bundled_scenarios``.

This folder is their one home; the packaging maps it into mock_ingrid (see
pyproject.toml), so an installed ``mock-ingrid`` runs a scenario by its name
(``mock-ingrid scenario run happy-refund``). This file only makes the folder a package.
"""
