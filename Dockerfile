# The bot as one container. Build: docker build -t photo-video-bot .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v bot-data:/data photo-video-bot
# The install steps are .ci/run's (pip installs uv, then `uv sync --locked`), without the
# test tools: what CI tested is what runs here.
FROM python:3.11-slim

# uv sync makes /app/.venv; on PATH, `python` is that environment's.
ENV PATH=/app/.venv/bin:$PATH

WORKDIR /app
RUN python3 -m pip install --quiet --no-cache-dir uv

# The lockfile first: the dependencies layer is rebuilt only when they change.
# compile-bytecode ([tool.uv] in pyproject.toml) compiles them at install: the
# non-root user below cannot write __pycache__, so every start would compile them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project

COPY bot ./bot
COPY storage ./storage
COPY locales ./locales
RUN uv sync --locked --no-dev \
    && python -m compileall -q bot storage

# A user of its own: the bot needs to write nothing but its database.
RUN useradd --system --uid 10001 --home-dir /data bot \
    && mkdir -p /data && chown bot:bot /data
USER bot

# The SQLite default lives on a volume, so a new container keeps every chat's project,
# the renders in flight and the NemoVideo token. With DATABASE_URL=postgresql://...
# the volume stays empty.
VOLUME ["/data"]
ENV DATABASE_URL=sqlite:////data/bot.sqlite3 \
    HEALTH_PORT=8081

# PORT (8080) serves the webhook when WEBHOOK_URL is set; HEALTH_PORT /healthz and /metrics.
EXPOSE 8080 8081

# The slim image has no curl; urlopen fails on a 503 as on a refused connection.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['HEALTH_PORT']}/healthz\", timeout=8)"]

# Exec form: python is PID 1 and gets SIGTERM itself, for the shutdown grace period.
CMD ["python", "-m", "bot"]
