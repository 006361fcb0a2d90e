from etender.trading.accounts.selectors import entity_of

from .models import Notification


def unread(request):
    entity = entity_of(getattr(request, "user", None))
    if entity is None:
        return {}
    return {"unread_count": Notification.objects.filter(entity=entity, read_at__isnull=True).count()}
