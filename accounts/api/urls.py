from rest_framework.routers import DefaultRouter

from .views import APITokenViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tokens", APITokenViewSet, basename="apitoken")
urlpatterns = router.urls
