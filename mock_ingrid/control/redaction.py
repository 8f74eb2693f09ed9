"""What the control API and the start line never show: the password of a webhook URL.

A receiver behind basic auth is subscribed as ``https://user:secret@host/hooks``. The
listings of ``/_mock/webhooks`` (subscriptions, deliveries and their attempts) show it
as ``https://user:***@host/hooks``; the delivery itself still sends the password. An
export of the state keeps it, so that it imports back as it was.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "***"


def redact_url(url: str) -> str:
    """``url`` with the password of its user part replaced by ``***``."""
    if "@" not in url:  # no user part: nearly every URL
        return url
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not at or not colon or not password:
        return url
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{hostport}"))
