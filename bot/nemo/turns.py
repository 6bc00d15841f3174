"""The rules of one chat turn, applied to its stream of events.

A turn may last 15 minutes, but ten minutes of heartbeats only (or of silence)
means it is stuck: what counts is the time since the last text or tool event, so
a heartbeat the stream never shows as an event (an SSE comment) changes nothing.
An error event ends the turn, and the service's "I encountered a temporary issue"
after a real answer is noise.
"""

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import httpx

from bot.nemo.channel import describe
from bot.nemo.errors import StreamDropped, TurnFailed, TurnTimedOut
from bot.nemo.models import AgentError, AgentEvent, AgentText, Heartbeat

_APOLOGY = "i encountered a temporary issue"


async def guard_turn(
    events: AsyncGenerator[AgentEvent, None], *, total: float, idle: float
) -> AsyncGenerator[AgentEvent, None]:
    """Yield the turn's events; raises TurnFailed, TurnTimedOut or StreamDropped."""
    loop = asyncio.get_running_loop()
    started = last_news = loop.time()
    said_something = False
    async with contextlib.aclosing(events):
        while True:
            deadlines = (started + total, last_news + idle)
            event = await _next_event(events, deadlines, total=total, idle=idle)
            if event is None:
                return
            if isinstance(event, AgentError):
                raise TurnFailed(event.message, code=event.code)
            if not isinstance(event, Heartbeat):
                last_news = loop.time()
            if isinstance(event, AgentText):
                if said_something and _APOLOGY in event.text.lower():
                    continue
                said_something = True
            yield event


async def events_of(payload_events: list[AgentEvent]) -> AsyncGenerator[AgentEvent, None]:
    """The events of a JSON answer given instead of a stream, as a stream."""
    for event in payload_events:
        yield event


async def _next_event(
    events: AsyncGenerator[AgentEvent, None],
    deadlines: tuple[float, float],
    *,
    total: float,
    idle: float,
) -> AgentEvent | None:
    """The next event, None at a clean end."""
    total_deadline, idle_deadline = deadlines
    heartbeats_only = idle_deadline < total_deadline
    try:
        async with asyncio.timeout_at(min(deadlines)):
            return await anext(events)
    except StopAsyncIteration:
        return None
    except TimeoutError as exc:
        limit = idle if heartbeats_only else total
        reason = "only heartbeats" if heartbeats_only else "no end"
        raise TurnTimedOut(
            f"the turn had {reason} for {limit:g} s",
            limit_seconds=limit,
            heartbeats_only=heartbeats_only,
        ) from exc
    except httpx.HTTPError as exc:
        raise StreamDropped(f"the event stream broke: {describe(exc)}") from exc
