"""The current resource API (products, orders, returns, ...), served at the root."""
