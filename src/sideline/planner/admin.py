from django.contrib import admin

from sideline.planner.models import FeedItem, MeetingRequest, PlacedMeeting, Plan, UnplacedRequest


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin[MeetingRequest]):
    list_display = ["year", "key", "topic", "priority", "slots", "origin"]
    list_filter = ["year", "origin"]
    search_fields = ["key", "topic"]
    filter_horizontal = ["organizations"]


class PlacedMeetingInline(admin.TabularInline[PlacedMeeting, Plan]):
    model = PlacedMeeting
    fields = ("request", "venue", "date", "slot", "room", "pinned", "start", "end")
    readonly_fields = ("request", "venue", "date", "slot", "room", "pinned", "start", "end")
    extra = 0
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = [
        "year",
        "version",
        "status",
        "solver_status",
        "objective",
        "bound",
        "published_at",
    ]
    list_filter = ["year", "status"]
    # Plans change through the planner's services (publication is recorded): read-only here.
    readonly_fields = [f.name for f in Plan._meta.fields]
    inlines = [PlacedMeetingInline]


@admin.register(UnplacedRequest)
class UnplacedRequestAdmin(admin.ModelAdmin[UnplacedRequest]):
    list_display = ["plan", "request"]
    list_filter = ["plan__year"]


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin[FeedItem]):
    list_display = ["organization", "plan", "kind", "request"]
    list_filter = ["kind", "organization"]
