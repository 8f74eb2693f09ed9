"""Pure views of domain entities as each generation shows them (shared by APIs and webhooks)."""
