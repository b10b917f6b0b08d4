from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "sideline.record"
    label = "record"
