"""The baseline: a bare Starlette endpoint answering a ~1 KB JSON object (orjson), on the
same uvicorn settings as ``mock-ingrid serve`` (``uvicorn[standard]``: uvloop, httptools).

    python bench/baseline.py --port PORT

Every path answers, GET or POST; a POST reads its body first, as any endpoint must.
"""

from __future__ import annotations

import argparse

import orjson
from serving import serve
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
            for i in range(6)
        ],
        "createdAt": "2026-01-16T09:00:00Z",
    }
)


async def endpoint(request: Request) -> Response:
    if request.method == "POST":
        await request.body()
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve(app, args.port)


if __name__ == "__main__":
    main()
