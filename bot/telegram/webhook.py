"""The webhook's shared secret: always set, never logged.

Without a secret, anyone who can reach the webhook URL can write as any chat. The bot
registers its webhook itself (``setWebhook``), so when WEBHOOK_SECRET is not set a
random secret made at start-up serves just as well. It changes with every start;
Telegram retries an update the restarting bot refused. Several replicas behind one URL
need WEBHOOK_SECRET, so that they agree. ``bot/web.py`` checks the header against it in
constant time.
"""

from __future__ import annotations

import secrets

from bot.logging_setup import register_secret

# 32 random bytes; token_urlsafe's alphabet (A-Z a-z 0-9 _ -) is exactly what Telegram accepts.
_GENERATED_BYTES = 32


def webhook_secret(configured: str | None) -> str:
    """The configured secret, else a fresh random one; either is redacted from every log line.

    PTB logs setWebhook's parameters at DEBUG, the secret among them.
    """
    secret = configured or secrets.token_urlsafe(_GENERATED_BYTES)
    register_secret(secret)
    return secret
