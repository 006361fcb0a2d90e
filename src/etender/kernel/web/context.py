from django.conf import settings


def service(request):
    return {
        "etender_service": settings.ETENDER_SERVICE,
        "etender_instance": settings.ETENDER_INSTANCE,
        "etender_title": settings.ETENDER_TITLE,
    }
