"""The OpenAPI description: how the API's bearer tokens are described, and a schema a browser shows."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Bearer <JWT>`, for every endpoint that takes hotdash's BearerTokenAuthentication."""

    target_class = "hotdash.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer", bearer_format="JWT")


class SchemaView(SpectacularAPIView):
    """The schema as JSON (application/json) unless the client asks for YAML.

    drf-spectacular answers YAML as application/vnd.oai.openapi by default, a type no browser shows: opening
    /api/schema/ downloaded a file. A browser's `*/*` now gets JSON it displays; tools that send
    `Accept: application/vnd.oai.openapi` or `application/yaml` still get YAML.
    """

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer, OpenApiYamlRenderer2]
