"""What every JSON API router shares: one error shape, with a code for programs.

An error body is `{"error": message for people (in the request's language), "code": ...}`;
invalid parameters add `detail`, one entry per parameter. Routers raise `ApiError`;
config/api.py renders it, and Django Ninja's own validation and authentication errors, in
this shape.
"""

from typing import Annotated

from ninja import Schema
from ninja.errors import HttpError
from pydantic import StringConstraints

# A text parameter a database can compare with: PostgreSQL refuses NUL characters in text
# (a 500 before this), and no slug or name is longer.
QueryText = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]


class ParameterProblem(Schema):
    parameter: str
    message: str


class ErrorOut(Schema):
    error: str
    code: str
    detail: list[ParameterProblem] | None = None


class ApiError(HttpError):
    """A refusal the caller can act on: HTTP status, stable code and a translated message."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code
