"""Secrets never reach a log line, whoever logs them and however."""

import asyncio
import io
import json
import logging
import string
from collections.abc import Iterator

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.logging_setup import (
    REDACTED,
    RedactingFilter,
    configure_logging,
    register_secret,
    update_context,
)

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
NEMO_TOKEN = "nmv_usr_9f8e7d6c5b4a"


@pytest.fixture
def root_state() -> Iterator[logging.Logger]:
    """Give the test the root logger, and put back its handlers, filters and levels after."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    saved = {handler: (handler.formatter, list(handler.filters)) for handler in handlers}
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "httpcore")}
    yield root
    for handler in root.handlers:
        if handler not in saved:
            handler.close()
    root.handlers = handlers
    for handler, (formatter, filters) in saved.items():
        handler.setFormatter(formatter)
        handler.filters = filters
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def output(root_state: logging.Logger) -> io.StringIO:
    """Configure logging into a string, with the bot token registered as a secret."""
    stream = io.StringIO()
    root_state.handlers = [logging.StreamHandler(stream)]
    configure_logging("INFO", secrets=[BOT_TOKEN, ""])
    return stream


def test_a_secret_in_the_message_is_redacted(output: io.StringIO) -> None:
    logging.getLogger("bot.test").info(f"token is {BOT_TOKEN}")
    assert BOT_TOKEN not in output.getvalue()
    assert f"token is {REDACTED}" in output.getvalue()


def test_a_secret_in_the_arguments_is_redacted_and_the_arguments_untouched(
    output: io.StringIO,
) -> None:
    headers = {"Authorization": f"Bearer {NEMO_TOKEN}"}
    logging.getLogger("bot.test").warning("request headers %s to %s", headers, BOT_TOKEN)
    line = output.getvalue()
    assert NEMO_TOKEN not in line
    assert BOT_TOKEN not in line
    assert "request headers {'Authorization': 'Bearer [REDACTED]'}" in line
    assert headers == {"Authorization": f"Bearer {NEMO_TOKEN}"}


def test_a_secret_in_a_traceback_is_redacted_and_the_exception_untouched(
    output: io.StringIO,
) -> None:
    error = RuntimeError(f"could not reach https://api.telegram.org/bot{BOT_TOKEN}/getMe")
    try:
        raise error
    except RuntimeError:
        logging.getLogger("telegram.ext.Updater").exception("polling failed")
    text = output.getvalue()
    assert BOT_TOKEN not in text
    assert "Traceback (most recent call last)" in text
    assert f"RuntimeError: could not reach https://api.telegram.org/bot{REDACTED}/getMe" in text
    assert BOT_TOKEN in str(error)


class ReRendering(logging.Formatter):
    """A formatter that renders the exception object itself, ignoring the cached text."""

    def format(self, record: logging.LogRecord) -> str:
        rendered = self.formatException(record.exc_info) if record.exc_info else ""
        return record.getMessage() + rendered


def test_a_formatter_set_later_cannot_re_render_the_raw_exception(
    output: io.StringIO, root_state: logging.Logger
) -> None:
    root_state.handlers[0].setFormatter(ReRendering())
    try:
        raise ValueError(BOT_TOKEN)
    except ValueError:
        logging.getLogger("bot.test").exception("failed")
    assert BOT_TOKEN not in output.getvalue()


def test_a_token_in_a_bot_api_url_is_redacted_even_if_unregistered(output: io.StringIO) -> None:
    url = "http://127.0.0.1:8081/file/bot42:short-test-token/photos/file_1.jpg"
    logging.getLogger("bot.test").info("downloading %s", url)
    assert "short-test-token" not in output.getvalue()
    assert f"/file/bot{REDACTED}/photos/file_1.jpg" in output.getvalue()


@pytest.mark.parametrize(
    ("secret", "shown"),
    [
        pytest.param("987654321:ZZZdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", REDACTED, id="bot-token"),
        pytest.param("987654321%3AZZZdqTcvCH1vGWJxfSeofSAs0K5PALDs", REDACTED, id="encoded-colon"),
        pytest.param("nmv_usr_abc.DEF-123", f"nmv_usr_{REDACTED}", id="nemo-token"),
        pytest.param("clm_Zx81-kq_Q", f"clm_{REDACTED}", id="claim-token"),
        pytest.param("Bearer eyJhbGciOi.J9", f"Bearer {REDACTED}", id="bearer"),
        pytest.param("bearer anything-at-all", f"bearer {REDACTED}", id="bearer-lowercase"),
    ],
)
def test_secret_shapes_are_redacted_without_registration(
    output: io.StringIO, secret: str, shown: str
) -> None:
    logging.getLogger("bot.test").info("value: %s.", secret)
    assert f"value: {shown}" in output.getvalue()
    assert secret not in output.getvalue()


def test_a_secret_learned_at_run_time_is_redacted(output: io.StringIO) -> None:
    register_secret("anonymous-run-time-secret")
    logging.getLogger("bot.nemo").info("got anonymous-run-time-secret for the client")
    assert f"got {REDACTED} for the client" in output.getvalue()


def test_an_innocent_message_is_unchanged(output: io.StringIO) -> None:
    message = "chat -1001234567890 at 12:30: render_1700000000000 40% done, 3 photos (bottom/)"
    logging.getLogger("bot.test").info("%s", message)
    assert output.getvalue().rstrip("\n").endswith(f"INFO bot.test: {message}")


def test_library_records_go_through_the_redactor(output: io.StringIO) -> None:
    logging.getLogger("telegram.ext.Application").error("token %s rejected", BOT_TOKEN)
    assert f"ERROR telegram.ext.Application: token {REDACTED} rejected" in output.getvalue()


def test_http_client_request_lines_are_not_logged(output: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot1:x/getMe")
    logging.getLogger("httpcore.http11").debug("send_request_headers.started")
    assert output.getvalue() == ""
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING


def test_the_level_is_applied(output: io.StringIO) -> None:
    configure_logging("warning")
    logging.getLogger("bot.test").info("hidden")
    logging.getLogger("bot.test").warning("shown")
    assert "hidden" not in output.getvalue()
    assert "shown" in output.getvalue()


def test_every_root_handler_redacts_and_configuring_twice_adds_nothing(
    root_state: logging.Logger,
) -> None:
    streams = [io.StringIO(), io.StringIO()]
    root_state.handlers = [logging.StreamHandler(stream) for stream in streams]
    configure_logging("INFO", secrets=[BOT_TOKEN])
    configure_logging("INFO", secrets=[BOT_TOKEN])
    logging.getLogger("bot.test").info("token %s", BOT_TOKEN)
    assert len(root_state.handlers) == 2
    assert [len(handler.filters) for handler in root_state.handlers] == [1, 1]
    for stream in streams:
        assert stream.getvalue().count(REDACTED) == 1
        assert BOT_TOKEN not in stream.getvalue()


def test_without_handlers_it_logs_to_stderr(
    root_state: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    root_state.handlers = []
    configure_logging("INFO", secrets=[BOT_TOKEN])
    logging.getLogger("bot.test").info("token %s", BOT_TOKEN)
    err = capsys.readouterr().err
    assert f"token {REDACTED}" in err
    assert BOT_TOKEN not in err


def test_a_badly_formatted_call_does_not_leak_its_arguments(output: io.StringIO) -> None:
    logging.getLogger("bot.test").info("two %s %s", BOT_TOKEN)
    assert BOT_TOKEN not in output.getvalue()
    assert REDACTED in output.getvalue()


@given(
    secret=st.text(string.ascii_letters + string.digits, min_size=8, max_size=40),
    before=st.text(max_size=40),
    after=st.text(max_size=40),
)
def test_a_registered_secret_never_survives(secret: str, before: str, after: str) -> None:
    assume(secret not in REDACTED)
    redactor = RedactingFilter([secret])
    record = logging.makeLogRecord({"msg": "%s|%s|%s", "args": (before, secret, after)})
    redactor.filter(record)
    assert secret not in record.getMessage()


@pytest.fixture
def json_output(root_state: logging.Logger) -> io.StringIO:
    """Configure JSON logging into a string, with the bot token registered as a secret."""
    stream = io.StringIO()
    root_state.handlers = [logging.StreamHandler(stream)]
    configure_logging("INFO", secrets=[BOT_TOKEN], log_format="json")
    return stream


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_update_and_chat_being_handled(json_output: io.StringIO) -> None:
    log = logging.getLogger("bot.core.exports")
    with update_context(update_id=7001, chat_id=-100123):
        log.info("render %s delivered", "r1", extra={"event": "render_delivered"})
    log.info("outside any update")
    inside, outside = _lines(json_output)
    assert inside == {
        "time": inside["time"],
        "level": "INFO",
        "logger": "bot.core.exports",
        "event": "render_delivered",
        "message": "render r1 delivered",
        "chat_id": -100123,
        "update_id": 7001,
    }
    assert outside["event"] == "bot.core.exports"
    assert "chat_id" not in outside and "update_id" not in outside


def test_json_ids_follow_each_update_into_its_own_tasks(json_output: io.StringIO) -> None:
    async def handle(update_id: int) -> None:
        with update_context(update_id=update_id, chat_id=update_id * 10):
            await asyncio.sleep(0)
            # A task started while handling (an album's own task) keeps the ids.
            await asyncio.create_task(_log_later())

    async def _log_later() -> None:
        await asyncio.sleep(0)
        logging.getLogger("bot.test").info("handled")

    async def main() -> None:
        await asyncio.gather(handle(1), handle(2))

    asyncio.run(main())
    assert sorted((line["update_id"], line["chat_id"]) for line in _lines(json_output)) == [
        (1, 10),
        (2, 20),
    ]


def test_json_lines_are_redacted_everywhere(json_output: io.StringIO) -> None:
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{BOT_TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("bot.test").exception(
            "token %s", BOT_TOKEN, extra={"event": f"leak {BOT_TOKEN}"}
        )
    text = json_output.getvalue()
    assert BOT_TOKEN not in text
    [line] = _lines(json_output)
    assert line["message"] == f"token {REDACTED}"
    assert line["event"] == f"leak {REDACTED}"
    assert "RuntimeError" in str(line["exception"])
