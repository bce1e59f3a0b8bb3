"""The view that serves the OpenAPI schema.

Kept apart from hotdash/api/schema.py, which REST_FRAMEWORK's settings import (DEFAULT_SCHEMA_CLASS): importing
drf-spectacular's views there would read those settings while they are being loaded.
"""

from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView


class SchemaView(SpectacularAPIView):
    """The schema as JSON (application/json) unless the client asks for YAML.

    drf-spectacular answers YAML as application/vnd.oai.openapi by default, a type no browser shows: opening
    /api/schema/ downloaded a file. A browser's `*/*` now gets JSON it displays; tools that send
    `Accept: application/vnd.oai.openapi` or `application/yaml` still get YAML.
    """

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer, OpenApiYamlRenderer2]
