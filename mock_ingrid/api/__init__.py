"""HTTP adapters: each API generation is a thin view over the one domain."""
