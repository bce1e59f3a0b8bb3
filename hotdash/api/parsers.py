from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class SizeLimitedJSONParser(JSONParser):
    """JSON bodies up to HOTDASH_API_MAX_BODY_BYTES; a larger one is refused before it is parsed."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.HOTDASH_API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The body is {int(declared):,} bytes; the limit is {limit:,}.")
        return super().parse(_Bounded(stream, limit), media_type, parser_context)


class _Bounded:
    """A stream that refuses to yield more than `limit` bytes (bodies sent without a Content-Length)."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_so_far = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(self.limit + 1 - self.read_so_far if size < 0 else size)
        self.read_so_far += len(chunk)
        if self.read_so_far > self.limit:
            raise PayloadTooLarge(f"The body is over the limit of {self.limit:,} bytes.")
        return chunk
