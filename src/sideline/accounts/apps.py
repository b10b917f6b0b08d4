from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sideline.accounts"
    label = "accounts"
