"""Views that read after the middleware's own work is done: a streaming body and an async view."""

from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

from metrics.models import Fact


def facts_streamed(request):
    def lines():
        yield b"project,key\n"
        for fact in Fact.objects.order_by("id").iterator(chunk_size=1):
            yield f"{fact.project},{fact.key}\n".encode()

    return StreamingHttpResponse(lines(), content_type="text/csv")


async def facts_async(request):
    return JsonResponse({"projects": [p async for p in Fact.objects.order_by("id").values_list("project", flat=True)]})


# Under api/: the middleware reads bearer tokens there only.
urlpatterns = [path("api/streamed", facts_streamed), path("api/async", facts_async)]
