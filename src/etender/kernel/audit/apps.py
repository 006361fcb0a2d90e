from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "etender.kernel.audit"
    label = "audit"
    verbose_name = "操作日志 / Audit log"
    default_auto_field = "django.db.models.BigAutoField"
