"""The sandbox's pages: the dashboard (``/_mock/ui``) and the customer return portal
(``/_mock/portal/{merchant}``).

Pages are plain HTML from ``layout.page`` with the shared ``assets/`` (one stylesheet,
one script of helpers), shipped in the package: no CDN, no build step. Every page acts
through the control and public APIs over HTTP, as any other client would; the pages
are under ``/_mock``, so the admin token and the same-origin rules apply to them
(``session.py`` lets a browser carry the token).
"""
