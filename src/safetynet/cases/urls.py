from django.urls import path

from safetynet.cases import dispatch_views, lifecycle_views, meeting_views, mine_views, team_views, views

app_name = "cases"
urlpatterns = [
    path("", mine_views.mine, name="mine"),
    path("export.xlsx", mine_views.mine_export, name="mine_export"),
    path("queue/", dispatch_views.queue, name="queue"),
    path("clocks/", views.clock_board, name="clocks"),
    path("team/", team_views.team, name="team"),
    path("supervision/", team_views.supervision, name="supervision"),
    path("supervision/new/", team_views.supervision_new, name="supervision_new"),
    path("clocks/<int:pk>/met/", views.clock_met, name="clock_met"),
    path("high-risk/", meeting_views.high_risk, name="high_risk"),
    path("high-risk/meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("high-risk/meetings/<int:pk>/", meeting_views.meeting, name="meeting"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", dispatch_views.assign, name="assign"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/contacts/<int:record>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:record>/error/", views.contact_error, name="contact_error"),
    path("<int:pk>/assessments/<int:record>/error/", views.assessment_error, name="assessment_error"),
    path("<int:pk>/assessments/<slug:instrument>/", views.assessment_new, name="assessment_new"),
    path(
        "<int:pk>/assessments/<slug:instrument>/preview/", views.assessment_preview, name="assessment_preview"
    ),
    # The case's course (lifecycle_views): status, plan, co-workers, closure, reopening, transfer.
    path("<int:pk>/status/", lifecycle_views.change_status, name="status"),
    path("<int:pk>/plan/", lifecycle_views.plan, name="plan"),
    path("<int:pk>/co-workers/", lifecycle_views.co_workers, name="co_workers"),
    path("<int:pk>/closure/", lifecycle_views.closure_request, name="closure_request"),
    path("closure-requests/<int:pk>/decide/", lifecycle_views.closure_decide, name="closure_decide"),
    path("<int:pk>/reopen/", lifecycle_views.reopen, name="reopen"),
    path("<int:pk>/transfer/", lifecycle_views.transfer_request, name="transfer_request"),
    path("transfers/<int:pk>/", lifecycle_views.transfer, name="transfer"),
    path("transfers/<int:pk>/decide/", lifecycle_views.transfer_decide, name="transfer_decide"),
]
