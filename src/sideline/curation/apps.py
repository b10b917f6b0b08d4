from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "sideline.curation"
    verbose_name = "Curation"
