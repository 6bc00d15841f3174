"""Answers the fake never gives, served in-process by httpx.MockTransport."""

import httpx
import pytest

from bot.nemo import AgentText, NemoAPIError, NemoClient
from tests.nemo.support import FAST, MemoryStore, collect

TOKEN_ANSWER = {"code": 0, "data": {"token": "nmv_usr_t", "user_id": "anon_1"}}


def _client(handler) -> NemoClient:
    return NemoClient(
        base_url="https://api.nemo.test",
        skill_version="0.1.0",
        credentials=MemoryStore(),
        timeouts=FAST,
        transport=httpx.MockTransport(handler),
    )


async def test_a_proxy_redirect_to_a_cdn_drops_our_headers(tmp_path):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/auth/anonymous-token":
            return httpx.Response(200, json=TOKEN_ANSWER)
        if request.url.host == "api.nemo.test":
            return httpx.Response(302, headers={"location": "https://cdn.example/v.mp4"})
        return httpx.Response(200, content=b"video", headers={"content-type": "video/mp4"})

    async with _client(handler) as client:
        size = await client.download(None, "render_1", tmp_path / "v.mp4")

    proxy, cdn = seen[-2:]
    assert size == 5 and (tmp_path / "v.mp4").read_bytes() == b"video"
    assert proxy.url.path == "/api/render/proxy/render_1/download"
    assert proxy.headers["authorization"] == "Bearer nmv_usr_t"
    assert not {"authorization", "x-skill-source", "x-skill-platform"} & set(cdn.headers)


async def test_a_json_answer_to_run_sse_is_read_as_one_event():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/anonymous-token":
            return httpx.Response(200, json=TOKEN_ANSWER)
        return httpx.Response(200, json={"type": "text", "content": "Fatto"})

    async with _client(handler) as client:
        assert await collect(client, "1", "ciao") == [AgentText("Fatto")]


async def test_a_video_url_that_is_not_a_url(tmp_path):
    async with _client(lambda request: httpx.Response(500)) as client:
        with pytest.raises(NemoAPIError, match="not a usable URL"):
            await client.download("https://cdn:port/v.mp4", "render_1", tmp_path / "v.mp4")
