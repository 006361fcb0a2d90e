from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.hub.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "主体注册与统一身份认证 / Entity registry and identity"
