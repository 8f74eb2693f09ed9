"""The Ingrid Returns domain: entities, lifecycles, refund maths and events. No HTTP here."""
