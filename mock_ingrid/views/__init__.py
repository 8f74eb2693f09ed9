"""Pure views of domain entities in another vocabulary (shared by APIs and webhooks)."""
