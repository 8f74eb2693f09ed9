"""The ``/_mock`` control surface: health, documents, and (later) state control."""
