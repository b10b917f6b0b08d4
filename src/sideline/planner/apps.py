from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "sideline.planner"
    label = "planner"
