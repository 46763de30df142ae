"""Health checks for load balancers and orchestrators: alive, and ready to serve."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process is alive. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database answers a fresh query and the cache answers a write and a read."""
    problems = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        problems["database"] = f"{type(error).__name__}: {error}".strip()[:300]
    try:
        cache.set("readyz", "ok", 5)
        if cache.get("readyz") != "ok":
            problems["cache"] = "the cache did not return what was written"
    except Exception as error:
        problems["cache"] = f"{type(error).__name__}: {error}".strip()[:300]
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})
