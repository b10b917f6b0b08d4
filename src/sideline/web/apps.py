from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sideline.web"
    label = "web"
