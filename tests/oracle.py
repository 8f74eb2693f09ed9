"""The OpenAPI documents as a test oracle; it lives in the package (``mock_ingrid.contract``),
where ``--validate-responses`` uses it too."""

from mock_ingrid.contract import (
    ORACLES,
    Document,
    Operation,
    Oracles,
    check_error_body,
    excerpt,
    load_spec,
    media_type,
    pointer_part,
)

__all__ = [
    "ORACLES",
    "Document",
    "Operation",
    "Oracles",
    "check_error_body",
    "excerpt",
    "load_spec",
    "media_type",
    "pointer_part",
]
