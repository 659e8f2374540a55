from django.urls import path

from .views import archive, editing, inbox, plan_pages, story

app_name = "plans"

urlpatterns = [
    path("", plan_pages.plan_list, name="list"),
    path("ny/", editing.plan_create, name="create"),
    path("mal/rad/", editing.goal_row, name="goal_row"),
    path("<int:pk>/", plan_pages.plan_detail, name="detail"),
    path("<int:pk>/redigera/", editing.plan_edit, name="edit"),
    path("<int:pk>/atgard/", plan_pages.plan_action, name="action"),
    path("<int:pk>/revidera/", plan_pages.plan_revise, name="revise"),
    path("<int:pk>/pdf/", archive.plan_pdf, name="pdf"),
    path("<int:pk>/historik/", story.plan_story, name="story"),
    path("<int:pk>/forhandsgranska.pdf", archive.plan_preview, name="preview"),
    path("verifiera/", archive.verify, name="verify"),
]

# The start page (the inbox) lives at the site root; see kob_social/urls.py.
home = inbox.home
