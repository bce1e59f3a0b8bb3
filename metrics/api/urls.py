from rest_framework.routers import SimpleRouter

from metrics.api.views import FactViewSet

router = SimpleRouter()
router.register("facts", FactViewSet, basename="fact")

urlpatterns = router.urls
