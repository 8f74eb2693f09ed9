"""mock-ingrid: a local, stateful emulator of the Ingrid Returns API."""

__version__ = "0.1.0"
