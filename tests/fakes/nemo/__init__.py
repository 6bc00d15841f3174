"""A loopback NemoVideo that checks what the real service checks.

`NemoFake` serves the contract of shared/docs/nemovideo-api.md with Starlette and
uvicorn on 127.0.0.1 (a free port), in a thread with its own event loop, so sync
tests, async tests, a bot process and the benchmarks can all point at `nemo.url`:

    from tests.fakes.nemo import NemoFake, steps

    with NemoFake() as nemo:
        nemo.script_turn(steps.text("Ciao!"), steps.heartbeats(3, form="comment"))
        ...  # drive a client at nemo.url
        assert nemo.count("POST", "/run_sse") == 1

It records every request (`nemo.requests`) and every breach of the contract
(`nemo.violations`: a missing attribution header, a wrong body shape, an unknown
path); the `nemo` fixture fails a test whose client broke the contract. Uploads
are parsed as they stream in, counted and hashed, never stored.

The modules, one job each: `server` (NemoFake: lifecycle and the calls tests make),
`state` (what the fake knows), `records` (what it keeps of what it saw), `steps`
(the turn-scripting DSL), `faults` (injected failures and delays), `contract` (the
checks), `routes` (the endpoints and what every request goes through), `sessions`,
`uploads` and `renders` (the handlers), `multipart` (counting an upload as it
streams), `wire` (bodies and the answer envelope).
"""

from tests.fakes.nemo.records import FakeSession, RecordedRequest, UploadedPart
from tests.fakes.nemo.renders import SAMPLE_MP4
from tests.fakes.nemo.server import NemoFake
from tests.fakes.nemo.steps import DEFAULT_REPLY

__all__ = [
    "DEFAULT_REPLY",
    "SAMPLE_MP4",
    "FakeSession",
    "NemoFake",
    "RecordedRequest",
    "UploadedPart",
]
