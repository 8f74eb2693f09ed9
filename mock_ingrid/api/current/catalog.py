"""Operations 1-5: products and variants."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mock_ingrid.api.body import read_model, validate_model
from mock_ingrid.api.current.errors import ERRORS
from mock_ingrid.api.current.listing import page_response
from mock_ingrid.api.current.schemas import ProductBody, ProductPatch, VariantBody
from mock_ingrid.api.endpoint import api_endpoint, json_response, path_identifier
from mock_ingrid.domain import catalog
from mock_ingrid.domain.merchant import Merchant
from mock_ingrid.views import current as render

endpoint = api_endpoint(ERRORS)


@endpoint
async def upsert_product(request: Request, m: Merchant) -> Response:
    body = await read_model(request, ProductBody)
    stored = m.products.get(body.product_id)
    product, created = catalog.upsert_product(m, body.to_command(stored))
    return json_response(render.product(product), 201 if created else 200)


@endpoint
async def list_products(request: Request, m: Merchant) -> Response:
    return page_response(request, m.products.values(), render.product)


@endpoint
async def get_product(request: Request, m: Merchant) -> Response:
    return json_response(render.product(m.require_product(request.path_params["productId"])))


@endpoint
async def patch_product(request: Request, m: Merchant) -> Response:
    product = m.require_product(request.path_params["productId"])
    patch = await read_model(request, ProductPatch)
    merged = {
        **render.product(product),
        **patch.model_dump(by_alias=True, exclude_unset=True, mode="json"),
    }
    merged.pop("variants", None)
    body = validate_model(ProductBody, {**merged, "productId": product.product_id})
    updated = catalog.patch_product(m, product.product_id, body.to_command())
    return json_response(render.product(updated))


@endpoint
async def upsert_variant(request: Request, m: Merchant) -> Response:
    product_id = request.path_params["productId"]
    product = m.require_product(product_id)
    body = await read_model(request, VariantBody)
    variant_id = path_identifier(request, "variantId")
    command = body.to_command(variant_id, product.variants.get(variant_id))
    variant, created = catalog.upsert_variant(m, product_id, command)
    return json_response(render.variant(variant), 201 if created else 200)
