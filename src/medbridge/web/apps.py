from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "medbridge.web"
    verbose_name = "Web"
