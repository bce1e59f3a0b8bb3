"""The OpenAPI schema tells the truth: the bearer authentication, and every refusal an operation can answer.

ConsoleAutoSchema (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds to each operation the refusals the API's
plumbing gives every endpoint of its kind, so a new endpoint is described correctly the day it lands:
400 when it takes a body or query parameters, 401/403 when it needs credentials (HasDbRole), 404 when its
path names a resource or it pages with a cursor, 413 when it parses a JSON body (SizeLimitedJSONParser).
Refusals particular to one endpoint (409 on a decided approval) are declared on the view with extend_schema.
Every refusal has the same shape: REFUSAL_SCHEMA.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse

from hotdash.api.parsers import SizeLimitedJSONParser
from hotdash.api.permissions import HasDbRole

REFUSAL_SCHEMA = {
    "type": "object",
    "description": "Why the request was refused: `detail`, or each field at fault with its reasons.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
    "minProperties": 1,
}
REFUSALS = {
    400: "The body or a query parameter is not acceptable; the body names each field and why.",
    401: "No credentials, or a token that is invalid or expired.",
    403: "These credentials may not do this (their role, or the database's row-level security).",
    404: "Nothing with this id is visible to these credentials, or the page cursor is invalid.",
    409: "The request conflicts with the current state of the resource.",
    410: "What was asked for existed and is gone for good (a failed export, a pruned file).",
    413: "The body is over HOTDASH_API_MAX_BODY_BYTES.",
    429: "Too many at once: this token already holds HOTDASH_WAITS_PER_TOKEN waits.",
}


def refusal(code: int) -> OpenApiResponse:
    """A refusal response for extend_schema(responses={...}) on one view."""
    return OpenApiResponse(response=REFUSAL_SCHEMA, description=REFUSALS[code])


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "hotdash.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="AUTHORIZATION", token_prefix="Bearer", bearer_format="JWT")
        scheme["description"] = (
            "A token from POST /api/v1/auth/token/ (console users) or `manage.py issue_token` (machine clients)."
        )
        return scheme


# What DRF trims from text (str.strip()): exactly the characters str.isspace() names, as a regex class body.
_TRIMMED = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x3000 + 1)) if c.isspace())
NO_NUL = "^[^\\u0000]*$"
NO_NUL_NOT_BLANK = f"^[^\\u0000]*[^\\u0000{_TRIMMED}][^\\u0000]*$"


class TextFieldSchema(OpenApiSerializerFieldExtension):
    """hotdash.api.fields.TextField: the schema says what it refuses, so generated clients (and fuzzers) know.

    No NUL anywhere; unless blank is allowed, some character that is not white space (DRF trims the text).
    """

    target_class = "hotdash.api.fields.TextField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["pattern"] = NO_NUL if self.target.allow_blank else NO_NUL_NOT_BLANK
        return schema


class ConsoleAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._refusal_codes():
            responses.setdefault(str(code), self._get_response_for_code(refusal(code), str(code), direction=direction))
        return dict(sorted(responses.items()))

    def _refusal_codes(self) -> set[int]:
        codes = set()
        takes_body = self.method in ("POST", "PUT", "PATCH")
        takes_query = any(parameter.get("in") == "query" for parameter in self._get_parameters())
        if takes_body or takes_query:
            codes.add(400)
        if takes_body and any(isinstance(parser, SizeLimitedJSONParser) for parser in self.view.get_parsers()):
            codes.add(413)
        if any(isinstance(permission, HasDbRole) for permission in self.view.get_permissions()):
            codes.update((401, 403))
        if "{" in self.path or self._get_pagination_parameters():
            codes.add(404)
        return codes

