"""Request and response models of the card, order and network API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from provisioning.cards.issuance import DEFAULT_CHUNK, MAX_CHUNK, MAX_ORDER, MIN_CHUNK
from provisioning.cards.store import MAX_PAGE
from provisioning.inputs import Input, RowId

OrderStatus = Literal["OPEN", "STOPPED", "COMPLETE"]
State = Literal["INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED"]
Usage = Literal["TBOX", "ECALL", "INFOTAINMENT"]


class ServiceSummary(BaseModel):
    allowed: bool
    scope: str = Field(description="PLATFORMS, TEST_APN, INTERNET, MT_SHORT_CODES, EMERGENCY_AND_CALL_CENTRE "
                                   "or NONE")
    cap_mb: int | None = None


class Services(BaseModel):
    data: ServiceSummary
    sms: ServiceSummary
    voice: ServiceSummary


class CardSummary(BaseModel):
    """A card as the OEM API shapes it (what an OEM sees; docs/oem-api.md#cards)."""

    iccid: str
    imsi: str
    msisdn: str
    static_ip: str | None
    usage: Usage
    state: State
    real_name_status: Literal["NONE", "PENDING", "VERIFIED", "REJECTED"]
    services: Services


class CardOut(CardSummary):
    """A card as ops see it: the contract shape plus the carrier's own fields."""

    enterprise_id: int
    order_id: int
    registration_id: str | None
    suspension_cause: str | None
    imei_bound: bool
    state_changed_at: dt.datetime
    created_at: dt.datetime


class CardList(BaseModel):
    items: list[CardOut]
    next_cursor: str | None


class CardQuery(Input):
    enterprise_id: RowId | None = None
    state: State | None = None
    usage: Usage | None = None
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class TransitionIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"to": "TEST", "reason": "factory line 3 end-of-line test"}]})
    to: State
    reason: str = Field(min_length=1, max_length=500, description="why (recorded in the card's history)")


class GrantOut(BaseModel):
    service: str
    allowed: bool
    scope: str
    rule: str = Field(description="USAGE_CEILING, STATE, FACTORY_TEST, REAL_NAME or NO_DESTINATIONS")
    reason: str
    destinations: list[str]
    cap_mb: int | None


class Explanation(BaseModel):
    iccid: str
    usage: str
    state: str
    real_name_status: str
    ceiling: dict[str, str]
    services: list[GrantOut]


class HistoryOut(BaseModel):
    at: dt.datetime
    from_state: str
    to_state: str
    actor: str
    reason: str


class HistoryList(BaseModel):
    items: list[HistoryOut]


class OrderIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"enterprise_id": 1, "count": 10000, "usage": "TBOX", "static_ip": False}]})
    enterprise_id: RowId
    count: int = Field(ge=1, le=MAX_ORDER)
    usage: Usage
    static_ip: bool = False
    chunk_size: int = Field(DEFAULT_CHUNK, ge=MIN_CHUNK, le=MAX_CHUNK,
                            description="cards per transaction (each chunk commits on its own)")


class OrderOut(BaseModel):
    order_id: int
    enterprise_id: int
    usage: str
    static_ip: bool
    count: int
    issued: int = Field(description="cards issued so far (committed chunks)")
    chunk_size: int
    status: OrderStatus = Field(description="OPEN: being issued in the background; STOPPED: numbers or addresses "
                                            "ran out (see stopped_reason), resume it; COMPLETE: every card issued")
    first_iccid: str
    last_iccid: str
    created_by: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    stopped_reason: str | None = None


class OrderList(BaseModel):
    items: list[OrderOut]


class OrderQuery(Input):
    enterprise_id: RowId | None = None
    status: OrderStatus | None = None


class AuthorizeIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"iccid": "89860400000000000015", "service": "data", "destination": "203.0.113.10",
         "imei": "356938035643809"}]})
    iccid: str | None = Field(None, min_length=19, max_length=20)
    imsi: str | None = Field(None, min_length=15, max_length=15)
    service: Literal["data", "sms", "voice"]
    destination: str = Field(min_length=1, max_length=64, description="an IP for data, a number for SMS and voice")
    imei: str | None = Field(None, max_length=16)
    direction: Literal["MO", "MT"] = Field("MO", description="SMS and voice: MO the card sends or calls, MT it "
                                                             "receives (destination is then the sender)")
    apn: str | None = Field(None, max_length=63)
    used_mb: float | None = Field(None, ge=0, description="data used this period, if the network meters it")

    @model_validator(mode="after")
    def _one_card(self) -> AuthorizeIn:
        if (self.iccid is None) == (self.imsi is None):
            raise ValueError("give exactly one of iccid or imsi")
        return self


class AuthorizeOut(BaseModel):
    allowed: bool
    reason: str = Field(description="ALLOWED or the code of the rule that denies")
    detail: str
    iccid: str | None
    state: str | None
