"""The webhook's shared secret: always set, never logged, compared in constant time.

Without a secret, PTB accepts any POST to the webhook URL, so anyone who can reach it can
write as any chat. The bot registers its webhook itself (``setWebhook``), so when
WEBHOOK_SECRET is not set a random secret made at start-up serves just as well. It changes
with every start; Telegram retries an update the restarting bot refused. Several replicas
behind one URL need WEBHOOK_SECRET, so that they agree.

PTB 22.8 checks the header with ``token != self.secret_token``
(``telegram/ext/_utils/webhookhandler.py``): a plain string comparison stops at the first
differing character, so response times tell a guesser how much of a guess is right. The
secret is therefore handed to PTB as a ``WebhookSecret``, a ``str`` whose (in)equality is
``hmac.compare_digest``. Python tries a subclass's comparison first even when it is the
right-hand operand, so PTB's ``!=`` runs ours; a test pins that down.
"""

from __future__ import annotations

import hmac
import secrets

from bot.logging_setup import register_secret

# 32 random bytes; token_urlsafe's alphabet (A-Z a-z 0-9 _ -) is exactly what Telegram accepts.
_GENERATED_BYTES = 32


class WebhookSecret(str):
    """A secret string that compares to other strings in constant time."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        # compare_digest takes str only when ASCII; a header may carry anything.
        return hmac.compare_digest(_bytes(self), _bytes(other))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


def webhook_secret(configured: str | None) -> WebhookSecret:
    """The configured secret, else a fresh random one; either is redacted from every log line.

    PTB logs setWebhook's parameters at DEBUG, the secret among them.
    """
    secret = configured or secrets.token_urlsafe(_GENERATED_BYTES)
    register_secret(secret)
    return WebhookSecret(secret)


def _bytes(text: str) -> bytes:
    return str.encode(text, "utf-8", "surrogatepass")
