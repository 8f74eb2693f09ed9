"""Scenario documents shipped with the package (see mock_ingrid.scenarios)."""
