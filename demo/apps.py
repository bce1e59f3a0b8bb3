from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: the production scenarios, generated volume for benchmarks, the demo logins and their commands."""

    name = "demo"
    verbose_name = "Demo data"
