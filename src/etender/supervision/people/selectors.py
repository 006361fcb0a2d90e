from .models import HubIdentity


def hub_identity_of(user) -> HubIdentity | None:
    if user is None or not user.is_authenticated:
        return None
    return HubIdentity.objects.filter(user=user).first()
