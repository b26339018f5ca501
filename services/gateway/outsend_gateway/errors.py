"""Every failure leaves as ``{"detail": ...}`` with its status code."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core.core_schema import ErrorType
from starlette.exceptions import HTTPException as StarletteHTTPException

from outsend_contracts import errors


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def domain_error(_: Request, error: errors.DomainError) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status, headers=error.headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            return JSONResponse({"detail": errors.MALFORMED_JSON}, status_code=400)
        return JSONResponse(
            {
                "detail": {
                    "message": errors.VALIDATION_FAILED,
                    "errors": [_field_error(problem) for problem in problems],
                }
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))


def _field_error(problem: dict[str, Any]) -> dict[str, str]:
    location = [str(part) for part in problem.get("loc", ()) if part != "body"]
    return {"field": ".".join(location), "message": french_message(problem)}


def french_message(problem: dict[str, Any]) -> str:
    """A field error in French: pydantic's own types through the table, ours as they were raised."""
    kind = str(problem.get("type", ""))
    template = errors.VALIDATION_MESSAGES.get(kind)
    if template is None:
        # Our validators raise PydanticCustomError with a French message; pydantic's text is English.
        return errors.VALIDATION_INVALID_VALUE if kind in PYDANTIC_ERROR_TYPES else str(problem.get("msg", ""))
    context = {key: str(value).replace(" or ", " ou ") for key, value in (problem.get("ctx") or {}).items()}
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return errors.VALIDATION_INVALID_VALUE
