"""The customer return portal: ``/_mock/portal/{merchant}`` and a status page per return.

``{merchant}`` is the merchant's API key, as everywhere in ``/_mock``. The pages'
scripts make the return as any client would: a refund-only return through the
current API (``POST /orders/{orderId}/returns``), one with an exchange through
``POST /_mock/orders/{orderId}/returns``; both are ``returns.create_return``, so the
portal's returns fire the API's events. The two JSON routes here give what those
APIs do not give a customer's page (``views/portal.py``).
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import json_response, runtime_of
from mock_ingrid.api.errors import ApiError
from mock_ingrid.control.common import require_accepted
from mock_ingrid.domain.errors import Problem
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.orders import find_customer_order
from mock_ingrid.ui.layout import page
from mock_ingrid.views import portal as view

PORTAL = view.PORTAL
STATUS_PAGE = PORTAL + "/returns/{returnId}"
LOOKUP = PORTAL + "/api/orders/lookup"
RETURN_STATUS = PORTAL + "/api/returns/{returnId}"
NO_MATCH = (
    "no order matches this order number and email; check both "
    "(the order number is on the order confirmation, such as #1001)"
)


def _merchant_key(request: Request) -> str:
    key = str(request.path_params["merchant"])
    require_accepted(runtime_of(request).settings.api_keys, key, "merchant", "path")
    return key


def _merchant(request: Request) -> Merchant | None:
    """The merchant named in the path; None for one that has nothing yet (a customer
    page never creates a merchant)."""
    return runtime_of(request).state.merchants.get(_merchant_key(request))


def _query_text(request: Request, name: str, problems: list[Problem]) -> str:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        problems.append(Problem(name, "REPEATED", "give it once", location="query"))
    elif not values or not values[0].strip():
        problems.append(Problem(name, "REQUIRED", "a value is required", location="query"))
    return values[0] if values else ""


async def lookup_order(request: Request) -> Response:
    """``GET .../api/orders/lookup?orderNumber=&email=``: the order, with what can
    still be returned, or one 404 whichever of the two did not match."""
    problems: list[Problem] = []
    number = _query_text(request, "orderNumber", problems)
    email = _query_text(request, "email", problems)
    if problems:
        names = ", ".join(p.path for p in problems)
        raise ApiError(400, "INVALID_PARAMETER", f"query parameters: {names}", problems)
    m = _merchant(request)
    order = find_customer_order(m, number, email) if m is not None else None
    if m is None or order is None:
        raise ApiError(404, "ORDER_NOT_FOUND", NO_MATCH)
    return json_response(view.customer_order(m, order))


async def return_status(request: Request) -> Response:
    """``GET .../api/returns/{returnId}``: the return with its refunds and exchanges."""
    return_id = str(request.path_params["returnId"])
    m = _merchant(request)
    ret = m.returns.get(return_id) if m is not None else None
    if m is None or ret is None:
        message = f"return '{return_id}' was not found"
        problem = Problem("returnId", "NOT_FOUND", message, location="path")
        raise ApiError(404, "RETURN_NOT_FOUND", message, [problem])
    return json_response(view.customer_return(m, ret))


async def portal_page(request: Request) -> Response:
    key = _merchant_key(request)
    return page(
        "Return or exchange",
        _LOOKUP_HTML,
        scripts=("portal.js",),
        data={"merchant": key, "portal": view.portal_path(key)},
    )


async def status_page(request: Request) -> Response:
    key = _merchant_key(request)
    return_id = str(request.path_params["returnId"])
    m = runtime_of(request).state.merchants.get(key)
    if m is None or return_id not in m.returns:
        missing = (
            f"<p>There is no return {escape(return_id)} here. "
            f'<a href="{escape(view.portal_path(key))}">Start a return</a>.</p>'
        )
        return page("Return not found", missing, status=404)
    again = f'<p><a href="{escape(view.portal_path(key))}">Return or exchange other items</a></p>'
    return page(
        f"Return {return_id}",
        _STATUS_HTML + again,
        scripts=("portal-status.js",),
        data={"merchant": key, "return": return_id, "portal": view.portal_path(key)},
    )


_LOOKUP_HTML = """
<p id="progress" class="visually-hidden" role="status" aria-live="polite"></p>
<section aria-labelledby="find-heading">
<h2 id="find-heading">Find your order</h2>
<form id="lookup" class="card" novalidate>
<label for="order-number">Order number</label>
<input id="order-number" name="orderNumber" autocomplete="off" required
 aria-describedby="order-number-hint">
<p id="order-number-hint" class="muted">As on your order confirmation, such as #1001.</p>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<p><button type="submit">Find order</button></p>
</form>
</section>
<section id="pick" aria-labelledby="pick-heading" hidden>
<h2 id="pick-heading" tabindex="-1">Choose what to return</h2>
<p id="order-summary"></p>
<form id="items" novalidate>
<div id="lines"></div>
<label for="note">A note for the shop (optional)</label>
<textarea id="note" name="note" rows="2" cols="50"></textarea>
<p><button type="submit">Send return</button></p>
</form>
</section>
"""

_STATUS_HTML = """
<p id="progress" role="status" aria-live="polite" class="muted">Loading the return…</p>
<section aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
<dl id="summary" class="card"></dl>
</section>
<section aria-labelledby="items-heading">
<h2 id="items-heading">Items</h2>
<table id="return-items">
<thead><tr><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Reason</th>
<th scope="col">Outcome</th><th scope="col">Item status</th></tr></thead>
<tbody></tbody>
</table>
</section>
<section aria-labelledby="refunds-heading">
<h2 id="refunds-heading">Refund</h2>
<div id="refunds"></div>
</section>
<section aria-labelledby="exchanges-heading">
<h2 id="exchanges-heading">Exchange</h2>
<div id="exchanges"></div>
</section>
"""
