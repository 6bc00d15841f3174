"""The floor: a bare python-telegram-bot echo bot configured like the real one.

Same PTB, same ApplicationBuilder options as bot/app.py (AIORateLimiter(max_retries=3),
concurrent_updates(4096), the same timeouts, run_polling with the same defaults), and
nothing else: a command is echoed at once; any other text is echoed after one
``GET /api/credits/balance/simple`` to NEMO_API_URL when it is set (the floor for
``crediti``: the bare bot plus one loopback round trip to the cloud).

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_URL=... [NEMO_API_URL=... NEMO_TOKEN=...] \
        uv run python bench/echo_bot.py
"""

import os

import httpx
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import __version__

HTTP_KEY = "http"


async def open_http(application: Application) -> None:
    nemo = os.environ.get("NEMO_API_URL")
    if nemo:
        application.bot_data[HTTP_KEY] = httpx.AsyncClient(
            base_url=nemo,
            headers={
                "Authorization": f"Bearer {os.environ['NEMO_TOKEN']}",
                "X-Skill-Source": "italiano-photo-video-maker",
                "X-Skill-Version": __version__,
                "X-Skill-Platform": "telegram",
            },
        )


async def close_http(application: Application) -> None:
    http = application.bot_data.get(HTTP_KEY)
    if http is not None:
        await http.aclose()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    http = context.bot_data.get(HTTP_KEY)
    if http is not None and not message.text.startswith("/"):
        response = await http.get("/api/credits/balance/simple")
        response.raise_for_status()
    await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    api = os.environ["TELEGRAM_API_URL"]
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(4096)  # bot/app.py MAX_CONCURRENT_UPDATES
        .read_timeout(30)
        .write_timeout(30)
        .media_write_timeout(300)
        .post_init(open_http)
        .post_shutdown(close_http)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
