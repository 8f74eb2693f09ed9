"""The legacy request body, and its mapping onto the domain's warehouse report."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from mock_ingrid.api.types import (
    WIRE_CONFIG,
    Identifier,
    Quantity,
    ShortText,
    Text,
    WholeNumber,
)
from mock_ingrid.domain.commands import ReportInput, ReportItemInput
from mock_ingrid.domain.model import ReportAction, ReportProcessing

# Integer ids were Java longs in the legacy service.
LegacyId = Annotated[int, WholeNumber, Field(ge=1, le=2**63 - 1)]
Sku = Annotated[str, Field(min_length=1, max_length=1_024)]


class ReturnedItem(BaseModel):
    model_config = WIRE_CONFIG
    sku: Sku
    quantity: Quantity
    approved: bool
    comment: Text | None = None

    def to_command(self) -> ReportItemInput:
        return ReportItemInput(
            quantity=self.quantity,
            action=ReportAction.APPROVED if self.approved else ReportAction.DENIED,
            sku=self.sku,
            comment=self.comment,
        )


class ItemsReturnedBody(BaseModel):
    """``POST /merchant/items/returned``."""

    model_config = WIRE_CONFIG
    foreign_order_id: Identifier
    return_id: LegacyId
    items: Annotated[list[ReturnedItem], Field(min_length=1, max_length=1_000)]
    tracking_reference: ShortText | None = None

    def to_command(self) -> ReportInput:
        # The legacy generation has no manual review: a report is processed at
        # once, as the guide's "update the return status of items" describes.
        return ReportInput(
            items=[item.to_command() for item in self.items],
            return_id=str(self.return_id),
            order_id=self.foreign_order_id,
            tracking_reference=self.tracking_reference,
            processing=ReportProcessing.PROCESS_IMMEDIATELY,
        )
