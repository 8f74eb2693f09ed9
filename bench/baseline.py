"""The baseline: a bare Starlette endpoint answering a ~1 KB JSON object with orjson."""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = orjson.dumps(
    {
        "returnId": "1",
        "orderId": "48aced20913c030c836d4187019b712f",
        "status": "CONFIRMED",
        "items": [
            {
                "returnItemId": str(i),
                "orderLineItemId": "L527_1036L527_1036M",
                "quantity": 1,
                "reason": {"code": "DOESNT_FIT", "label": "Doesn't fit"},
                "status": "PENDING",
            }
            for i in range(5)
        ],
        "createdAt": "2026-01-16T09:00:00Z",
    }
)


async def endpoint(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])
