"""Read the `data` of each answer into the package's dataclasses.

Lenient on what is optional (missing numbers become None or 0), strict on what
the bot cannot do without (a session id, a token): those raise NemoAPIError.
"""

from datetime import datetime
from typing import Any

from bot.nemo.errors import NemoAPIError
from bot.nemo.models import (
    Credits,
    RenderPhase,
    RenderStatus,
    Session,
    SessionState,
    StoredCredentials,
    UploadedFile,
    UploadResult,
)

_PHASES = {
    "pending": RenderPhase.PENDING,
    "queued": RenderPhase.PENDING,
    "submitted": RenderPhase.PENDING,
    "processing": RenderPhase.PROCESSING,
    "rendering": RenderPhase.PROCESSING,
    "running": RenderPhase.PROCESSING,
    "in_progress": RenderPhase.PROCESSING,
    "completed": RenderPhase.COMPLETED,
    "complete": RenderPhase.COMPLETED,
    "succeeded": RenderPhase.COMPLETED,
    "success": RenderPhase.COMPLETED,
    "done": RenderPhase.COMPLETED,
    "failed": RenderPhase.FAILED,
    "failure": RenderPhase.FAILED,
    "error": RenderPhase.FAILED,
    "cancelled": RenderPhase.FAILED,
    "canceled": RenderPhase.FAILED,
}


def credentials_from(client_id: str, data: Any) -> StoredCredentials:
    """The answer of POST /api/auth/anonymous-token."""
    data = _mapping(data)
    token = _text(data.get("token"))
    if not token:
        raise _unexpected("the anonymous-token answer carries no token")
    return StoredCredentials(
        client_id=client_id,
        token=token,
        user_id=_text(data.get("user_id")),
        expires_at=_datetime(data.get("expires_at")),
    )


def session_from(data: Any) -> Session:
    """The answer of POST /api/tasks/me/with-session/nemo_agent."""
    data = _mapping(data)
    session_id, task_id = _text(data.get("session_id")), _text(data.get("task_id"))
    if not session_id or not task_id:
        raise _unexpected("the new session has no session_id or task_id")
    return Session(session_id=session_id, task_id=task_id)


def claim_token_from(data: Any) -> str:
    """The answer of POST /api/auth/claim-token."""
    token = _text(_mapping(data).get("claim_token"))
    if not token:
        raise _unexpected("the claim-token answer carries no claim_token")
    return token


def credits_from(data: Any) -> Credits:
    """The answer of GET /api/credits/balance/simple.

    An answer without a single number is not a balance of zero: it raises NemoAPIError.
    """
    data = _mapping(data)
    if all(_number(data.get(key)) is None for key in ("available", "frozen", "total")):
        raise _unexpected("the credits answer carries no balance")
    return Credits(
        available=_number(data.get("available")) or 0.0,
        frozen=_number(data.get("frozen")) or 0.0,
        total=_number(data.get("total")) or 0.0,
    )


def upload_result_from(data: Any) -> UploadResult:
    """The answer of POST /api/upload-video/nemo_agent/me/<sid>."""
    data = _mapping(data)
    files = data.get("files")
    entries = [_mapping(item) for item in files] if isinstance(files, list) else []
    return UploadResult(
        files=tuple(_uploaded_file(entry) for entry in entries),
        session_state_applied=bool(data.get("session_state_applied")),
    )


def state_from(session_id: str, data: Any) -> SessionState:
    """The answer of GET /api/state/nemo_agent/me/<sid>/latest."""
    data = _mapping(data)
    draft = _mapping(_mapping(data.get("state")).get("draft"))
    return SessionState(
        session_id=_text(data.get("session_id")) or session_id,
        task_id=_text(data.get("task_id")) or "",
        draft=draft,
        raw=data,
    )


def render_status_from(render_id: str, data: Any) -> RenderStatus:
    """Either documented render-poll shape: nested `data` with `outputUrl`, or flat `output`."""
    data = _mapping(data)
    output = _mapping(data.get("output"))
    status = _text(data.get("status") or data.get("state"))
    # An unknown status is taken as "still working": polling goes on until a final one.
    phase = _PHASES.get(status.lower(), RenderPhase.PROCESSING) if status else RenderPhase.PENDING
    url = data.get("outputUrl") or data.get("output_url") or output.get("url") or data.get("url")
    size = _number(output.get("size") or data.get("size"))
    return RenderStatus(
        render_id=_text(data.get("id")) or render_id,
        phase=phase,
        progress=_progress(data.get("progress")),
        output_url=_text(url),
        duration=_number(output.get("duration") or data.get("duration")),
        size=int(size) if size is not None else None,
        error=_error_text(data) if phase is RenderPhase.FAILED else None,
    )


def _uploaded_file(entry: dict[str, Any]) -> UploadedFile:
    width, height = _number(entry.get("width")), _number(entry.get("height"))
    return UploadedFile(
        filename=_text(entry.get("filename")) or "",
        file_type=_text(entry.get("file_type")) or "",
        cdn_url=_text(entry.get("cdn_url")) or "",
        width=int(width) if width is not None else None,
        height=int(height) if height is not None else None,
        duration=_number(entry.get("duration")),
    )


def _error_text(data: dict[str, Any]) -> str | None:
    error = data.get("error") or data.get("errorMessage") or data.get("message")
    if isinstance(error, dict):
        error = error.get("message")
    return _text(error)


def _progress(value: Any) -> float | None:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    number = _number(value)
    return None if number is None else min(100.0, max(0.0, number))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids sometimes come as numbers
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _unexpected(message: str) -> NemoAPIError:
    return NemoAPIError(message, code=None, status=200)
