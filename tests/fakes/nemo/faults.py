"""Faults a test injects: the next matching requests fail, or are answered late."""

from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response


@dataclass
class Fault:
    """What to do to the next ``times`` requests of ``method`` under ``path_prefix``."""

    method: str
    path_prefix: str
    delay: float
    status: int | None  # None: only delay, then answer normally
    code: int | None
    message: str
    retry_after: float | None
    times: int


def take_fault(faults: list[Fault], method: str, path: str) -> Fault | None:
    """The first fault matching the request, used up once its ``times`` run out."""
    for fault in faults:
        if fault.method == method and path.startswith(fault.path_prefix):
            fault.times -= 1
            if fault.times <= 0:
                faults.remove(fault)
            return fault
    return None


def fault_answer(path: str, fault: Fault) -> Response:
    """The error a failing fault answers with, in the envelope of the endpoint it hits."""
    headers = {}
    if fault.retry_after is not None:
        headers["retry-after"] = f"{fault.retry_after:g}"
    status = fault.status or 500
    message = fault.message or f"injected HTTP {status}"
    if path.startswith("/api/render/proxy"):
        body: dict[str, Any] = {"success": False, "error": message}
        if fault.code is not None:
            body["code"] = fault.code
    else:
        body = {"code": fault.code if fault.code is not None else status}
        body |= {"message": message, "data": None}
    return JSONResponse(body, status, headers=headers)
