"""The JSON API at /api/v1/: each app's router on one Django Ninja API.

The OpenAPI document (/api/v1/schema.json) is generated from the routers' typed
parameters and responses, so it cannot drift from the code. No documentation page: Swagger
UI would load scripts from a CDN, which the site's Content-Security-Policy refuses.
"""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from campaigns.api import router as campaigns_router
from core.api import ApiError
from materials.api import router as materials_router


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as it is, not as \\u escapes (as the API has always answered)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Fangzha API",
    version="1",
    description="Read-only reach figures (campaign roles) and published anti-fraud materials.",
    openapi_url="/schema.json",
    docs_url=None,
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
)
api.add_router("", campaigns_router)
api.add_router("", materials_router)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"error": message, "code": code, **extra}, status=status)


@api.exception_handler(ApiError)
def api_error(request, exc: ApiError):
    return _error(request, exc.status_code, exc.code, exc.message)


@api.exception_handler(ValidationError)
def invalid_parameter(request, exc: ValidationError):
    """A parameter of the wrong type or outside its values: 400, naming each one."""
    detail = [
        {
            "parameter": ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0]),
            "message": error["msg"],
        }
        for error in exc.errors
    ]
    names = "、".join(dict.fromkeys(problem["parameter"] for problem in detail))
    message = _("Invalid parameter: %(names)s.") % {"names": names}
    return _error(request, 400, "invalid_parameter", message, detail=detail)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc: AuthenticationError):
    message = _("Sign in, or send a user name and password (HTTP Basic).")
    response = _error(request, 401, "not_authenticated", message)
    response["WWW-Authenticate"] = 'Basic realm="fangzha"'
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Django Ninja's other refusals (a failed CSRF check, for one)."""
    return _error(request, exc.status_code, "refused", exc.message)
