"""The rules of shared/docs/nemovideo-api.md that a client can break.

Each check returns what was broken, so the routes can both record the violation and
answer as the service would.
"""

from pathlib import PurePosixPath
from typing import Any

from starlette.requests import Request

# The contract's list, strictly: ".jpeg" or ".heic" names are refused as the service would.
SUPPORTED_EXTENSIONS = frozenset(
    {"mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac"}
)
ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")
LANGUAGES = frozenset({"it", "en", "zh"})


def header_violations(request: Request, *, bearer: bool, own_host: str) -> list[str]:
    """Headers sent wrongly: attribution missing or odd, a token or client id out of place."""
    path, headers = request.url.path, request.headers
    if path.startswith("/cdn/"):
        if headers.get("host") != own_host:
            leaked = [h for h in ("authorization", *ATTRIBUTION) if h in headers]
            if leaked:
                return [f"GET {path}: sent {leaked} to a foreign CDN host"]
        return []
    violations = []
    missing = [h for h in ATTRIBUTION if not headers.get(h)]
    if missing and path != "/api/render/proxy/lambda":  # there: HTTP 402, like the service
        violations.append(f"{request.method} {path}: missing {missing}")
    if headers.get("x-skill-source", "italiano-photo-video-maker") != (
        "italiano-photo-video-maker"
    ):
        violations.append(f"{path}: X-Skill-Source is {headers.get('x-skill-source')!r}")
    if not bearer and "authorization" in headers:
        violations.append(f"{path}: sent a Bearer token where none belongs")
    if bearer and "x-client-id" in headers:
        violations.append(f"{path}: sent X-Client-Id outside the anonymous-token call")
    if path == "/run_sse" and "text/event-stream" not in headers.get("accept", ""):
        violations.append("/run_sse: no Accept: text/event-stream")
    return violations


def run_sse_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if set(body) != {"app_name", "user_id", "session_id", "new_message"}:
        return f"body keys are {sorted(body)}"
    if body["app_name"] != "nemo_agent" or body["user_id"] != "me":
        return "app_name must be nemo_agent and user_id must be me"
    parts = body["new_message"].get("parts") if isinstance(body["new_message"], dict) else None
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], dict):
        return "new_message.parts[0] is missing"
    if not isinstance(parts[0].get("text"), str) or not isinstance(body["session_id"], str):
        return "new_message.parts[0].text and session_id must be strings"
    return None


def render_problem(body: Any, used_ids: set[str]) -> str | None:
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if "session_id" in body:
        return "session_id must be spelled sessionId"
    render_id = body.get("id")
    if not isinstance(render_id, str) or not render_id.startswith("render_"):
        return f"id {render_id!r} must start with render_"
    if render_id in used_ids:
        return f"id {render_id} was used before"
    if not isinstance(body.get("sessionId"), str) or not isinstance(body.get("draft"), dict):
        return "sessionId and draft are required"
    output = body.get("output")
    if not isinstance(output, dict) or output.get("format") != "mp4":
        return "output.format must be mp4"
    if not isinstance(output.get("quality"), str):
        return "output.quality is required"
    return None


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().removeprefix(".")
