"""Products and variants: upserts by the merchant's own ids."""

from __future__ import annotations

from mock_ingrid.domain.commands import ProductInput, VariantInput
from mock_ingrid.domain.errors import ProblemCollector
from mock_ingrid.domain.merchant import Merchant, one_instant
from mock_ingrid.domain.model import Product, Variant


@one_instant
def upsert_product(m: Merchant, data: ProductInput) -> tuple[Product, bool]:
    """Create or update a product; variants in ``data`` are upserted, others kept."""
    _check_unique_variants(data.variants or [])
    product = m.products.get(data.product_id)
    created = product is None
    if product is None:
        product = Product(
            product_id=data.product_id,
            internal_id=m.ids.next_int("product"),
            title=data.title,
            created_at=m.now(),
        )
        m.products[data.product_id] = product
    product.title = data.title
    product.product_number = data.product_number
    product.details = data.details
    for variant in data.variants or []:
        _put_variant(m, product, variant)
    return product, created


def patch_product(m: Merchant, product_id: str, changes: ProductInput) -> Product:
    """Replace the product's own fields with ``changes`` (already merged by the caller)."""
    product = m.require_product(product_id)
    product.title = changes.title
    product.product_number = changes.product_number
    product.details = changes.details
    return product


@one_instant
def upsert_variant(m: Merchant, product_id: str, data: VariantInput) -> tuple[Variant, bool]:
    product = m.require_product(product_id)
    created = data.variant_id not in product.variants
    return _put_variant(m, product, data), created


def _put_variant(m: Merchant, product: Product, data: VariantInput) -> Variant:
    variant = product.variants.get(data.variant_id)
    if variant is None:
        variant = Variant(data.variant_id, m.ids.next_int("variant"), data.sku)
        product.variants[data.variant_id] = variant
    variant.sku = data.sku
    variant.title = data.title
    variant.properties = data.properties
    variant.details = data.details
    return variant


def _check_unique_variants(variants: list[VariantInput]) -> None:
    problems = ProblemCollector()
    seen: set[str] = set()
    for index, variant in enumerate(variants):
        if variant.variant_id in seen:
            problems.add(
                f"variants[{index}].variantId",
                "DUPLICATE_ID",
                f"variant '{variant.variant_id}' appears more than once",
            )
        seen.add(variant.variant_id)
    problems.raise_if_any()
