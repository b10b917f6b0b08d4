from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "sideline.analysis"
    label = "analysis"
