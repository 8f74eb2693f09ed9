"""The dashboard's pages: ``/_mock/ui`` (the sandbox at a glance) and
``/_mock/ui/returns/{returnId}`` (one return, its timeline, its actions and the
backoffice check).

The pages are frames: their scripts (``assets/dash*.js``) fill them from the APIs
and keep them current from the live feed (``live.py``). What the server knows as a
table (the return statuses) is written into the page here, not repeated in a script.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.endpoint import runtime_of
from mock_ingrid.control.merchants import merchant_json
from mock_ingrid.domain.lifecycle import ReturnStatus
from mock_ingrid.jsonio import dumps
from mock_ingrid.ui.dashboard_data import returns_page
from mock_ingrid.ui.layout import page

FIRST_PAGE = 25  # returns a page: the script pages by the same size

NAV = (
    ("/_mock/ui", "Dashboard"),
    ("/_mock/ui#returns", "Returns"),
    ("/_mock/ui#clock", "Clock"),
    ("/_mock/ui#scenarios", "Scenarios"),
    ("/_mock/ui#journal", "Journal"),
)


def _status_options(label_any: str) -> str:
    options = [f'<option value="">{escape(label_any)}</option>']
    options += [f'<option value="{s.value}">{s.value}</option>' for s in ReturnStatus]
    return "".join(options)


def _table(table_id: str, caption: str, columns: tuple[str, ...]) -> str:
    heads = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    return (
        f'<table id="{table_id}"><caption class="visually-hidden">{escape(caption)}</caption>'
        f'<thead><tr>{heads}</tr></thead><tbody id="{table_id}-body"></tbody></table>'
    )


_HOME = (
    '<p id="live" class="muted" aria-live="polite">Connecting to the live feed…</p>'
    '<section aria-labelledby="h-merchant" class="card">'
    '<h2 id="h-merchant">Merchant</h2>'
    '<label for="merchant">Merchant (API key)</label>'
    '<select id="merchant"></select>'
    '<div id="merchants-info" class="muted"></div>'
    "</section>"
    '<section id="returns" aria-labelledby="h-returns">'
    '<h2 id="h-returns">Returns</h2>'
    '<div class="row"><div><label for="status-filter">Status</label>'
    f'<select id="status-filter">{_status_options("Any status")}</select></div></div>'
    + _table(
        "returns-table", "Returns, newest first", ("Return", "Order", "Status", "Units", "Created")
    )
    + '<p id="returns-info" class="muted" aria-live="polite"></p>'
    '<div class="row"><button type="button" id="returns-newer" class="secondary">Newer</button>'
    '<button type="button" id="returns-older" class="secondary">Older</button></div>'
    "</section>"
    '<section id="clock" aria-labelledby="h-clock">'
    '<h2 id="h-clock">Virtual clock</h2>'
    '<p>Now: <strong id="clock-now">…</strong> <span id="clock-mode" class="muted"></span></p>'
    '<div class="row">'
    '<button type="button" id="clock-freeze">Freeze</button>'
    '<button type="button" id="clock-resume" class="secondary">Resume</button>'
    '<div><label for="clock-by">Advance by (90s, 5m, 80h)</label>'
    '<input id="clock-by" value="1h" size="8"></div>'
    '<button type="button" id="clock-advance">Advance</button>'
    "</div></section>"
    '<section id="scenarios" aria-labelledby="h-scenarios">'
    '<h2 id="h-scenarios">Scenarios and recording</h2>'
    '<div id="scenario-list"></div>'
    '<div class="row">'
    '<div><label for="scenario-file">Scenario file (an export, say)</label>'
    '<input id="scenario-file" type="file" accept=".json,application/json"></div>'
    '<button type="button" id="scenario-file-run" class="secondary">Run the file</button>'
    "</div>"
    '<div id="scenario-run" aria-live="polite"></div>'
    '<div class="row">'
    '<button type="button" id="record-start">Record</button>'
    '<button type="button" id="record-stop" class="secondary">Stop recording</button>'
    '<div><label for="export-name">Scenario name</label>'
    '<input id="export-name" value="recorded" size="16"></div>'
    '<a id="record-export" href="/_mock/recording/export?name=recorded">Export</a>'
    "</div>"
    '<p id="recording-state" class="muted" aria-live="polite"></p>'
    "</section>"
    '<section id="catalog" aria-labelledby="h-catalog">'
    '<h2 id="h-catalog">Products and orders</h2>'
    + _table("products-table", "Products", ("Product", "Title", "Variants"))
    + _table("orders-table", "Orders", ("Order", "Name", "Currency", "Total", "Lines"))
    + "</section>"
    '<section id="journal" aria-labelledby="h-journal">'
    '<h2 id="h-journal">Request journal</h2>'
    + _table("journal-table", "The latest API calls", ("#", "At", "Call", "Merchant", "Status"))
    + "</section>"
)


async def dashboard(request: Request) -> Response:
    """The page carries the merchants and the chosen one's first page of returns
    (``data-first``): the list is drawn as the script runs, without a round trip."""
    state = runtime_of(request).state
    merchants = [merchant_json(m) for m in state.merchants.values()]
    key = request.query_params.get("merchant") or next(iter(state.merchants), "")
    chosen = state.merchants.get(key)
    first = {
        "pageSize": FIRST_PAGE,
        "merchant": key,
        "merchants": merchants,
        "returns": returns_page(chosen, None, 0, FIRST_PAGE) if chosen else None,
    }
    data = {"first": dumps(first).decode("utf-8")}
    return page("Dashboard", _HOME, scripts=("dash.js", "dash-home.js"), nav=NAV, data=data)


_RETURN = (
    '<p><a href="/_mock/ui">Back to the dashboard</a></p>'
    '<p id="live" class="muted" aria-live="polite">Connecting to the live feed…</p>'
    '<section aria-labelledby="h-summary" class="card">'
    '<h2 id="h-summary">Summary</h2>'
    '<p>Status: <strong id="return-status" class="status">…</strong></p>'
    '<div id="return-summary"></div>'
    + _table("lines-table", "Lines", ("Item", "Order line", "Quantity", "Reason", "Item status"))
    + "</section>"
    '<section aria-labelledby="h-actions">'
    '<h2 id="h-actions">Lifecycle helpers</h2>'
    '<p class="muted">Only the steps the return\'s status allows.</p>'
    '<div id="helpers" class="row"></div>'
    "</section>"
    '<section id="backoffice" aria-labelledby="h-backoffice">'
    '<h2 id="h-backoffice">Backoffice check</h2>'
    '<div id="inspection"></div>'
    "</section>"
    '<section aria-labelledby="h-settlement">'
    '<h2 id="h-settlement">Refunds and exchanges</h2>'
    '<div id="settlement"></div>'
    "</section>"
    '<section aria-labelledby="h-webhooks">'
    '<h2 id="h-webhooks">Webhook deliveries</h2>'
    '<div id="deliveries"></div>'
    "</section>"
    '<section aria-labelledby="h-timeline">'
    '<h2 id="h-timeline">Timeline</h2>'
    + _table("timeline-table", "Every change, oldest first", ("At", "What", "Change"))
    + "</section>"
)


async def return_page(request: Request) -> Response:
    return_id = str(request.path_params["returnId"])
    merchant = request.query_params.get("merchant", "")
    return page(
        f"Return {return_id}",
        _RETURN,
        scripts=("dash.js", "dash-return.js"),
        nav=NAV,
        data={"return-id": return_id, "merchant": merchant},
    )
