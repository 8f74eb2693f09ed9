"""The legacy ``/merchant`` generation (the former turnr.se API), over the same domain."""
