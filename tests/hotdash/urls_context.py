"""Views that read after the middleware's own work is done (a streaming body, an async view), and one that
shows what a request's role reads of the log and which request id the database was given."""

from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

from metrics.models import Fact, ObservabilityLog


def facts_streamed(request):
    def lines():
        yield b"project,key\n"
        for fact in Fact.objects.order_by("id").iterator(chunk_size=1):
            yield f"{fact.project},{fact.key}\n".encode()

    return StreamingHttpResponse(lines(), content_type="text/csv")


async def facts_async(request):
    return JsonResponse({"projects": [p async for p in Fact.objects.order_by("id").values_list("project", flat=True)]})


def logs_visible(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.request_id', true)")
        (setting,) = cursor.fetchone()
    return JsonResponse(
        {"messages": sorted(ObservabilityLog.objects.values_list("message", flat=True)), "app.request_id": setting}
    )


# Under api/: the middleware reads bearer tokens there only.
urlpatterns = [path("api/streamed", facts_streamed), path("api/async", facts_async), path("api/logs", logs_visible)]
