"""The fake refuses what the real service refuses, and records what a wrong client did."""

import httpx
import pytest

from tests.fakes.nemo import NemoFake

HEADERS = {
    "X-Skill-Source": "italiano-photo-video-maker",
    "X-Skill-Version": "0.1.0",
    "X-Skill-Platform": "telegram",
}


@pytest.fixture
def raw_nemo():
    """A fake whose violations the test inspects itself (the `nemo` fixture would fail)."""
    with NemoFake() as fake:
        yield fake


@pytest.fixture
def http(raw_nemo):
    with httpx.Client(base_url=raw_nemo.url) as client:
        yield client


def _token(http) -> str:
    answer = http.post("/api/auth/anonymous-token", headers={**HEADERS, "X-Client-Id": "c1"})
    return answer.json()["data"]["token"]


def _authorized(http) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {_token(http)}"}


def _session(http, headers) -> str:
    body = {"task_name": "project", "language": "it"}
    return http.post("/api/tasks/me/with-session/nemo_agent", json=body, headers=headers).json()[
        "data"
    ]["session_id"]


def test_a_token_needs_a_client_id(raw_nemo, http):
    assert http.post("/api/auth/anonymous-token", headers=HEADERS).status_code == 400
    long_id = {**HEADERS, "X-Client-Id": "x" * 65}
    assert http.post("/api/auth/anonymous-token", headers=long_id).status_code == 400
    assert raw_nemo.tokens_issued == 0


def test_one_token_per_client_id(raw_nemo, http):
    assert _token(http) == _token(http)
    assert raw_nemo.tokens_issued == 1


def test_every_other_call_needs_a_valid_bearer(raw_nemo, http):
    answer = http.get("/api/credits/balance/simple", headers=HEADERS)

    assert answer.status_code == 401 and answer.json()["code"] == 1001


def test_expired_tokens_answer_1001(raw_nemo, http):
    headers = _authorized(http)
    raw_nemo.expire_tokens()

    answer = http.get("/api/credits/balance/simple", headers=headers)

    assert answer.json()["code"] == 1001
    assert _token(http) != headers["Authorization"].removeprefix("Bearer ")


def test_a_render_without_attribution_is_refused_with_402(raw_nemo, http):
    headers = _authorized(http)
    body = {"id": "render_1", "sessionId": "1", "draft": {}, "output": {"format": "mp4"}}

    answer = http.post(
        "/api/render/proxy/lambda",
        json=body,
        headers={"Authorization": headers["Authorization"]},
    )

    assert answer.status_code == 402
    assert raw_nemo.violations == []


def test_missing_attribution_elsewhere_is_a_violation(raw_nemo, http):
    headers = _authorized(http)
    del headers["X-Skill-Platform"]

    http.get("/api/credits/balance/simple", headers=headers)

    assert raw_nemo.violations == ["GET /api/credits/balance/simple: missing ['x-skill-platform']"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param({"app_name": "nemo_agent"}, "body keys", id="keys"),
        pytest.param(
            {"app_name": "x", "user_id": "me", "session_id": "1", "new_message": {}},
            "app_name must be nemo_agent",
            id="app-name",
        ),
        pytest.param(
            {
                "app_name": "nemo_agent",
                "user_id": "me",
                "session_id": "1",
                "new_message": {"parts": []},
            },
            "parts[0]",
            id="parts",
        ),
    ],
)
def test_a_wrong_run_sse_body_is_refused_and_recorded(raw_nemo, http, body, problem):
    headers = {**_authorized(http), "Accept": "text/event-stream"}

    answer = http.post("/run_sse", json=body, headers=headers)

    assert answer.status_code == 400
    assert len(raw_nemo.violations) == 1 and problem in raw_nemo.violations[0]


def test_run_sse_without_accept_is_a_violation(raw_nemo, http):
    headers = _authorized(http)
    session_id = _session(http, headers)
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": "ciao"}]},
    }

    http.post("/run_sse", json=body, headers=headers)

    assert raw_nemo.violations == ["/run_sse: no Accept: text/event-stream"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param({"session_id": "x"}, "sessionId", id="snake-case"),
        pytest.param({"id": "job_1"}, "must start with render_", id="id-prefix"),
        pytest.param({"output": {"format": "mov", "quality": "high"}}, "mp4", id="format"),
    ],
)
def test_a_wrong_render_body_is_refused_and_recorded(raw_nemo, http, change, problem):
    headers = _authorized(http)
    body = {
        "id": "render_1",
        "sessionId": "1",
        "draft": {},
        "output": {"format": "mp4", "quality": "high"},
    } | change

    answer = http.post("/api/render/proxy/lambda", json=body, headers=headers)

    assert answer.status_code == 400
    assert len(raw_nemo.violations) == 1 and problem in raw_nemo.violations[0]


def test_a_reused_render_id_is_refused(raw_nemo, http):
    headers = _authorized(http)
    session_id = _session(http, headers)
    draft = {"t": [{"tt": 0, "sg": [{"d": 1000}]}]}
    body = {
        "id": "render_1",
        "sessionId": session_id,
        "draft": draft,
        "output": {"format": "mp4", "quality": "high"},
    }

    first = http.post("/api/render/proxy/lambda", json=body, headers=headers)
    second = http.post("/api/render/proxy/lambda", json=body, headers=headers)

    assert first.json()["success"] is True
    assert second.status_code == 400 and "used before" in raw_nemo.violations[0]


def test_an_upload_field_other_than_files_is_a_violation(raw_nemo, http):
    headers = _authorized(http)
    session_id = _session(http, headers)

    answer = http.post(
        f"/api/upload-video/nemo_agent/me/{session_id}",
        files={"file": ("a.jpg", b"123", "image/jpeg")},
        headers=headers,
    )

    assert answer.status_code == 400
    assert raw_nemo.violations == ["upload: multipart field must be 'files'"]


def test_an_unknown_path_is_a_violation(raw_nemo, http):
    assert http.get("/api/nothing", headers=HEADERS).status_code == 404
    assert raw_nemo.violations == ["unknown endpoint GET /api/nothing"]


def test_an_injected_failure_is_served_the_given_number_of_times(raw_nemo, http):
    headers = _authorized(http)
    raw_nemo.fail_next("GET", "/api/credits", status=503, times=2)

    statuses = [
        http.get("/api/credits/balance/simple", headers=headers).status_code for _ in range(3)
    ]

    assert statuses == [503, 503, 200]
