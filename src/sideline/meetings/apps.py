from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "sideline.meetings"
    label = "meetings"
