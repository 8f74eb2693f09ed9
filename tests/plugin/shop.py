"""A shop for the plugin's tests, as source text a generated test file can include."""

SHOP = """
PRODUCT = {"productId": "TEE", "title": "T-shirt",
           "variants": [{"variantId": "TEE-M", "sku": "TS-M-BLK"}]}
ORDER = {"orderId": "O1", "currencyCode": "SEK", "totalAmount": 240, "shippingCost": 0,
         "shippingAddress": {"countryCode": "SE"},
         "lineItems": [{"lineItemId": "L1", "productId": "TEE", "variantId": "TEE-M",
                        "quantity": 2, "originalUnitPrice": 120}],
         "shipments": [{"shipmentId": "S1",
                        "lineItems": [{"orderLineItemId": "L1", "quantity": 2}]}]}
RETURN = {"items": [{"orderLineItemId": "L1", "quantity": 1,
                     "reason": {"code": "DOESNT_FIT"}}]}


def open_return(client):
    client.post("/products", json=PRODUCT).raise_for_status()
    client.post("/orders", json=ORDER).raise_for_status()
    created = client.post("/orders/O1/returns", json=RETURN)
    created.raise_for_status()
    return created.json()["returnId"]
"""
