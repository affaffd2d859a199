from rest_framework.routers import DefaultRouter

from curation.api.suggestions import SuggestionViewSet

from . import views

app_name = "api"

router = DefaultRouter()
router.register("outlets", views.OutletViewSet)
router.register("articles", views.ArticleViewSet)
router.register("people", views.PersonViewSet)
router.register("events", views.EventViewSet)
router.register("figures", views.FigureViewSet)
router.register("person-mentions", views.PersonMentionViewSet)
router.register("event-mentions", views.EventMentionViewSet)
router.register("suggestions", SuggestionViewSet)

urlpatterns = router.urls
