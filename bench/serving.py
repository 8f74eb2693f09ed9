"""The one set of server settings both benchmarked servers run with, so that the
baseline and mock-ingrid differ only in the app (uvicorn[standard]: uvloop, httptools)."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(app: Any, port: int) -> None:
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
