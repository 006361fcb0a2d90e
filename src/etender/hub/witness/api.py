from ninja import Router

router = Router(tags=["witness"])
