from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sideline.registry"
    label = "registry"
