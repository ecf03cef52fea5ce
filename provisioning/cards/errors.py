"""Errors of the cards area, each with a stable code."""

from __future__ import annotations

from numbering.errors import Conflict, Invalid, NotFound


class CardNotFound(NotFound):
    code = "CARD_NOT_FOUND"


class IllegalTransition(Conflict):
    code = "CARD_STATE_CONFLICT"

    def __init__(self, detail: str, *, state: str) -> None:
        super().__init__(detail, field="state", params={"state": state})
        self.state = state


class CardInvalid(Invalid):
    code = "CARD_INVALID"


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"

    def __init__(self, order_id: int) -> None:
        super().__init__(f"no card order with id {order_id}", params={"order": order_id})


class OrderInvalid(Invalid):
    code = "ORDER_INVALID"


class OrderComplete(Conflict):
    code = "ORDER_COMPLETE"
