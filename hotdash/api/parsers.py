import io
import re
from itertools import accumulate

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class SizeLimitedJSONParser(JSONParser):
    """JSON bodies up to HOTDASH_API_MAX_BODY_BYTES, nested at most HOTDASH_API_MAX_JSON_DEPTH levels.

    A larger body is refused before it is parsed (413). A deeper one too (400): Python's json parser
    recurses once per level, and a kilobyte of `[[[[...` would exhaust the interpreter's stack (a 500).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.HOTDASH_API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The body is {int(declared):,} bytes; the limit is {limit:,}.")
        body = _read_all(_Bounded(stream, limit))
        deepest = settings.HOTDASH_API_MAX_JSON_DEPTH
        if json_depth(body) > deepest:
            raise ParseError(f"JSON parse error - arrays and objects nest deeper than {deepest} levels.")
        return super().parse(io.BytesIO(body), media_type, parser_context)


# A JSON string (with its escapes), and the bytes that are not brackets: both are dropped before counting.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(document: bytes | str) -> int:
    """How deep the arrays and objects of a JSON text nest, counted in one loop (no recursion).

    Brackets inside strings do not count. Run it before json.loads on text from outside. On text that is
    not JSON the answer means nothing, and the parser refuses that text anyway.
    """
    if isinstance(document, str):
        document = document.encode()
    brackets = _JSON_STRING.sub(b"", document).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _read_all(stream) -> bytes:
    chunks = []
    while chunk := stream.read(64 * 1024):
        chunks.append(chunk)
    return b"".join(chunks)


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
