"""Fixture files: merchants with their catalogue, orders and returns driven to a status.

The format (version 1) reuses the request bodies of the current API, so what a
fixture says is exactly what the API would have been sent. Loading is
all-or-nothing: every file is validated first (all their bad fields are
reported together), then applied to a scratch state that is only swapped in
when every one of them loaded.

The sets of the repository's ``fixtures/`` folder ship in the package (as
``mock_ingrid.bundled_fixtures``, see pyproject.toml), so an installed
``mock-ingrid`` loads them by name: ``--fixtures demo-shop``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Discriminator, Field, Tag, ValidationError
from pydantic_core import PydanticCustomError

from mock_ingrid.api.current.schemas import (
    OrderBody,
    ProductBody,
    ReturnCreateItem,
    WarehouseReportBody,
)
from mock_ingrid.api.errors import field_path
from mock_ingrid.api.types import WIRE_CONFIG, CurrencyCode, Identifier, Money, ShortText
from mock_ingrid.domain import catalog, orders, returns, settlement, warehouse
from mock_ingrid.domain.commands import ReturnItemInput
from mock_ingrid.domain.errors import DomainError, InvalidInput, Problem
from mock_ingrid.domain.lifecycle import ExchangeStatus, RefundStatus, ReportStatus, ReturnStatus
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.domain.model import Deductions, MerchantSettings
from mock_ingrid.domain.next_steps import NEXT_STEPS
from mock_ingrid.jsonio import JsonSyntaxError, loads
from mock_ingrid.money import ZERO
from mock_ingrid.store import State

FORMAT_VERSION = 1
# The repository's fixtures/ folder, installed as a package (see pyproject.toml).
SHIPPED = "mock_ingrid.bundled_fixtures"


class FixtureError(Exception):
    """A fixture that cannot be loaded: names the file and the path of every bad field.

    ``problems`` holds the same as :class:`Problem` objects (``location`` is the file).
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


def _invalid(problems: Sequence[Problem]) -> FixtureError:
    lines = [f"{p.location}: {p.path}: {p.message}" for p in problems]
    return FixtureError("invalid fixture\n  " + "\n  ".join(lines), problems)


def shipped_fixtures() -> dict[str, Path]:
    """The fixture sets shipped with the package (``demo-shop``, ...), by name."""
    try:
        folder = resources.files(SHIPPED)
    except ModuleNotFoundError:  # mock_ingrid imported from a checkout, not installed
        return {}
    return {
        entry.name.removesuffix(".json"): Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def find_fixture(reference: str | Path) -> Path | None:
    """A fixture file or folder: an existing path, else a shipped set's name
    (``demo-shop`` or ``demo-shop.json``); None when it is neither."""
    path = Path(reference)
    if path.exists():
        return path
    return (
        shipped_fixtures().get(path.name.removesuffix(".json")) if path.parent == Path() else None
    )


def resolve_fixture(reference: str | Path) -> Path:
    """:func:`find_fixture`, or a :class:`FixtureError` naming the shipped sets."""
    found = find_fixture(reference)
    if found is None:
        known = ", ".join(shipped_fixtures()) or "none"
        raise FixtureError(
            f"{reference}: no such fixture file or folder, nor a shipped set (shipped: {known})"
        )
    return found


class _Model(BaseModel):
    model_config = WIRE_CONFIG | {"extra": "forbid"}


class DeductionsSpec(_Model):
    return_shipment_cost: Money = ZERO
    return_handling_cost: Money = ZERO


class SettingsSpec(_Model):
    currency: CurrencyCode = "SEK"
    return_shipment_cost: Money = ZERO
    return_handling_cost: Money = ZERO
    deductions_by_currency: dict[CurrencyCode, DeductionsSpec] = {}
    return_window_days: Annotated[int, Field(ge=0, le=36_500)] | None = None
    refund_shipping: bool = False
    exchange_cost: Money = ZERO
    auto_confirm_returns: bool = True
    carrier: ShortText = "PostNord"

    def to_settings(self) -> MerchantSettings:
        return MerchantSettings(
            currency=self.currency,
            deductions=Deductions(self.return_shipment_cost, self.return_handling_cost),
            deductions_by_currency={
                code: Deductions(d.return_shipment_cost, d.return_handling_cost)
                for code, d in self.deductions_by_currency.items()
            },
            return_window_days=self.return_window_days,
            refund_shipping=self.refund_shipping,
            exchange_cost=self.exchange_cost,
            auto_confirm_returns=self.auto_confirm_returns,
            carrier=self.carrier,
        )


class ExchangeTo(_Model):
    product_id: Identifier
    variant_id: Identifier


class FixtureReturnItem(ReturnCreateItem):
    model_config = WIRE_CONFIG | {"extra": "forbid"}
    exchange_to: ExchangeTo | None = None


class CompleteRefundStep(_Model):
    amount: Money | None = None
    transaction_id: ShortText | None = None


class CompleteExchangeStep(_Model):
    completed_order_id: Identifier
    completed_order_number: ShortText | None = None
    completed_order_name: ShortText | None = None


class LabelReadyStep(_Model):
    tracking_reference: ShortText | None = None
    carrier: ShortText | None = None


class ReportStep(WarehouseReportBody):
    """A warehouse report for this return (``returnId`` is filled in)."""


SimpleStep = Literal[
    "confirm",
    "labelReady",
    "inTransit",
    "deliver",
    "lostInTransit",
    "cancel",
    "approveReview",
    "rejectReview",
    "completeRefund",
    "failRefund",
    "retryRefund",
    "completeExchange",
    "cancelExchange",
]


class ObjectStep(_Model):
    label_ready: LabelReadyStep | None = None
    warehouse_report: ReportStep | None = None
    complete_refund: CompleteRefundStep | None = None
    complete_exchange: CompleteExchangeStep | None = None
    no_return_needed: list[Annotated[int, Field(ge=0)]] | None = Field(
        default=None, description="indexes of this return's items the customer keeps"
    )


def _step_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return _NAMED
    if isinstance(value, dict | ObjectStep):
        return _OBJECT
    return None


# The tags appear in pydantic's error locations; _parse leaves them out of the paths.
_NAMED, _OBJECT = "<named step>", "<object step>"
Step = Annotated[
    Annotated[SimpleStep, Tag(_NAMED)] | Annotated[ObjectStep, Tag(_OBJECT)],
    Discriminator(
        _step_kind,
        custom_error_type="step_type",
        custom_error_message='a step is a step name (such as "labelReady") or an object',
    ),
]


class ReturnSpec(_Model):
    order_id: Identifier
    items: Annotated[list[FixtureReturnItem], Field(min_length=1)]
    customer_note: str | None = None
    auto_confirm: bool | None = Field(
        default=None,
        description="confirm the return on creation; default: the merchant's autoConfirmReturns "
        "(false leaves it PENDING)",
    )
    steps: list[Step] = []


class MerchantSpec(_Model):
    api_key: Annotated[str, Field(min_length=1, max_length=255)]
    settings: SettingsSpec | None = None
    products: list[ProductBody] = []
    orders: list[OrderBody] = []
    returns: list[ReturnSpec] = []


def _not_a_boolean(value: Any) -> Any:
    """true == 1 in Python: a boolean is not a version number."""
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "Input should be 1")
    return value


class FixtureFile(_Model):
    version: Annotated[Literal[1], BeforeValidator(_not_a_boolean)]
    description: str = ""
    merchants: list[MerchantSpec]


def load_fixture_paths(state: State, paths: Sequence[str | Path]) -> int:
    """Load every file (a directory means its ``*.json``; a shipped set may be named),
    all or nothing: every file is validated before any is applied."""
    files = [f for path in paths for f in _expand(resolve_fixture(path))]
    parsed: list[tuple[Path, FixtureFile]] = []
    problems: list[Problem] = []
    for file in files:
        try:
            parsed.append((file, _read_file(file)))
        except FixtureError as exc:
            if not exc.problems:
                raise
            problems.extend(exc.problems)
    if problems:
        raise _invalid(problems)
    scratch = State(state.clock, seed=state.seed)
    for file, fixture in parsed:
        _apply(scratch, fixture, str(file))
    state.merchants.update(scratch.merchants)
    for merchant in scratch.merchants.values():
        merchant.rebind(state.listeners)
    return len(files)


def load_fixture_data(state: State, data: Any, source: str = "<fixture>") -> list[str]:
    """Load one fixture document, all or nothing; returns the merchants it holds."""
    scratch = State(state.clock, seed=state.seed)
    _apply(scratch, _parse(data, source), source)
    state.merchants.update(scratch.merchants)
    for merchant in scratch.merchants.values():
        merchant.rebind(state.listeners)
    return list(scratch.merchants)


def _expand(path: Path) -> Iterable[Path]:
    if path.is_dir():
        return sorted(path.glob("*.json"))
    return [path]


def _read_file(file: Path) -> FixtureFile:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise FixtureError(f"{file}: cannot read: {exc.strerror}") from None
    try:
        data = loads(raw)
    except JsonSyntaxError as exc:
        raise _invalid(
            [Problem("$", "INVALID_JSON", f"not valid JSON: {exc}", str(file))]
        ) from None
    return _parse(data, str(file))


def _parse(data: Any, source: str) -> FixtureFile:
    try:
        return FixtureFile.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                field_path([part for part in error["loc"] if part not in (_NAMED, _OBJECT)]),
                _problem_code(error["type"]),
                error["msg"],
                source,
            )
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise _invalid(problems) from None


def _problem_code(error_type: str) -> str:
    codes = {"missing": "REQUIRED", "extra_forbidden": "UNKNOWN_FIELD"}
    if error_type in codes:
        return codes[error_type]
    if error_type in ("literal_error", "enum"):
        return "INVALID_ENUM"
    if error_type.endswith(("_type", "_parsing")):
        return "INVALID_TYPE"
    return error_type.upper()


def _apply(state: State, fixture: FixtureFile, source: str) -> None:
    for m_index, spec in enumerate(fixture.merchants):
        base = f"merchants[{m_index}]"
        merchant = state.merchant(spec.api_key)
        if spec.settings is not None:
            merchant.settings = spec.settings.to_settings()
        for index, product in enumerate(spec.products):
            with _located(source, f"{base}.products[{index}]"):
                catalog.upsert_product(merchant, product.to_command())
        for index, order in enumerate(spec.orders):
            with _located(source, f"{base}.orders[{index}]"):
                orders.upsert_order(merchant, order.to_command())
        for index, ret in enumerate(spec.returns):
            _drive_return(merchant, ret, source, f"{base}.returns[{index}]")


@contextmanager
def _located(source: str, path: str) -> Iterator[None]:
    """Turn a domain error into a FixtureError naming the file and the fixture path."""
    try:
        yield
    except DomainError as exc:
        raise _describe(source, path, exc) from None


def _describe(source: str, path: str, exc: DomainError) -> FixtureError:
    if isinstance(exc, InvalidInput):
        return _invalid(
            [Problem(f"{path}.{p.path}", p.code, p.message, source) for p in exc.problems]
        )
    return _invalid([Problem(path, exc.code, exc.message, source)])


def _drive_return(m: Merchant, spec: ReturnSpec, source: str, path: str) -> None:
    settings = m.settings
    if spec.auto_confirm is not None:
        m.settings = replace(settings, auto_confirm_returns=spec.auto_confirm)
    try:
        with _located(source, path):
            ret = returns.create_return(
                m, spec.order_id, [_item(i) for i in spec.items], spec.customer_note
            )
    finally:
        m.settings = settings
    for index, step in enumerate(spec.steps):
        with _located(source, f"{path}.steps[{index}]"):
            _run_step(m, ret.return_id, step)


def _item(item: FixtureReturnItem) -> ReturnItemInput:
    return ReturnItemInput(
        order_line_item_id=item.order_line_item_id,
        quantity=item.quantity,
        reason_code=item.reason.code if item.reason else None,
        sub_reason_code=item.reason.sub_reason_code if item.reason else None,
        exchange_to_product_id=item.exchange_to.product_id if item.exchange_to else None,
        exchange_to_variant_id=item.exchange_to.variant_id if item.exchange_to else None,
    )


def _run_step(m: Merchant, return_id: str, step: str | ObjectStep) -> None:
    if isinstance(step, str):
        if step in _NEXT_STEPS:
            kind, status = _NEXT_STEPS[step]
            NEXT_STEPS[kind, status].run(m, _ENTITY_OF[kind](m, return_id))
        else:
            _OTHER_STEPS[step](m, return_id)
        return
    if step.label_ready is not None:
        returns.mark_label_ready(
            m, return_id, step.label_ready.tracking_reference, step.label_ready.carrier
        )
    if step.warehouse_report is not None:
        command = step.warehouse_report.to_command()
        command.return_id = return_id
        warehouse.submit_report(m, command)
    if step.no_return_needed is not None:
        ret = m.returns[return_id]
        ids = [ret.items[i].return_item_id for i in step.no_return_needed if i < len(ret.items)]
        returns.mark_no_return_needed(m, return_id, ids)
    if step.complete_refund is not None:
        _complete_refund(m, return_id, step.complete_refund)
    if step.complete_exchange is not None:
        c = step.complete_exchange
        settlement.complete_exchange(
            m,
            _open_exchange(m, return_id),
            c.completed_order_id,
            c.completed_order_number,
            c.completed_order_name,
        )


def _complete_refund(m: Merchant, return_id: str, step: CompleteRefundStep) -> None:
    refund = m.refunds[_open_refund(m, return_id)]
    amount = step.amount if step.amount is not None else refund.total_amount
    settlement.complete_refund(m, refund.refund_id, amount, refund.currency, step.transaction_id)


def _open_refund(m: Merchant, return_id: str) -> str:
    ids = m.returns[return_id].refund_ids
    if not ids:
        raise InvalidInput.one(
            "steps", "NO_REFUND", f"return '{return_id}' has no refund transaction yet"
        )
    return ids[-1]


def _open_exchange(m: Merchant, return_id: str) -> str:
    ids = m.returns[return_id].exchange_ids
    if not ids:
        raise InvalidInput.one(
            "steps", "NO_EXCHANGE", f"return '{return_id}' has no exchange order yet"
        )
    return ids[-1]


def _report_of(m: Merchant, return_id: str) -> str:
    return m.returns[return_id].report_id or "?"  # "?": the step fails as report not found


# The named steps that are a next step (domain/next_steps.py) of the return or of its
# report, refund or exchange: the kind and the status that step leaves.
_NEXT_STEPS: dict[str, tuple[str, str]] = {
    "confirm": ("return", ReturnStatus.PENDING),
    "labelReady": ("return", ReturnStatus.CONFIRMED),
    "inTransit": ("return", ReturnStatus.READY),
    "deliver": ("return", ReturnStatus.IN_TRANSIT),
    "approveReview": ("report", ReportStatus.AWAITING_REVIEW),
    "completeRefund": ("refund", RefundStatus.AWAITING_EXTERNAL_REFUND),
    "completeExchange": ("exchange", ExchangeStatus.AWAITING_EXTERNAL_HANDLING),
}

# A named step's entity, from its return: the return, its report, its last refund or exchange.
_ENTITY_OF: dict[str, Callable[[Merchant, str], str]] = {
    "return": lambda m, rid: rid,
    "report": _report_of,
    "refund": _open_refund,
    "exchange": _open_exchange,
}

# The named steps off the common path.
_OTHER_STEPS: dict[str, Callable[[Merchant, str], object]] = {
    "lostInTransit": returns.lose_in_transit,
    "cancel": returns.cancel_return,
    "rejectReview": lambda m, rid: warehouse.reject_review(m, _report_of(m, rid)),
    "failRefund": lambda m, rid: settlement.fail_refund(m, _open_refund(m, rid)),
    "retryRefund": lambda m, rid: settlement.retry_refund(m, _open_refund(m, rid)),
    "cancelExchange": lambda m, rid: settlement.cancel_exchange(m, _open_exchange(m, rid)),
}
