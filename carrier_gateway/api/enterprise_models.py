"""Request and response models of the enterprise ops API (validated and published)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from provisioning.enterprises.people import ID_TYPES
from provisioning.inputs import Input, RowId
from provisioning.when import AsOf

IdType = Literal[ID_TYPES]  # type: ignore[valid-type]


class EnterpriseIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "某某汽车有限公司", "uscc": "91350100M000100Y43", "kind": "OEM",
         "callback_url": "https://tsp.oem.example/carrier/webhook"}]})
    name: str = Field(min_length=1, max_length=200)
    uscc: str = Field(min_length=18, max_length=40, description="Unified Social Credit Code (GB 32100)")
    kind: Literal["OEM", "AGENT"] = "OEM"
    authorized_by: RowId | None = Field(None, description="AGENT: the OEM that authorised it")
    authorized_from: dt.date | None = None
    authorized_until: dt.date | None = Field(None, description="AGENT: last day of the authorisation")
    callback_url: str | None = None
    apn: str | None = Field(None, description="dedicated APN; default iov-e<id>.carrier")


class EnterprisePatch(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"callback_url": "https://tsp.oem.example/v2/webhook"}]})
    name: str | None = None
    callback_url: str | None = None
    authorized_until: dt.date | None = None


class EnterpriseOut(BaseModel):
    id: int
    name: str
    uscc: str
    kind: str
    authorized_by: int | None
    authorized_from: dt.date | None
    authorized_until: dt.date | None
    callback_url: str | None
    apn: str
    created_at: dt.datetime
    destinations: dict[str, list[str]] | None = None


class EnterpriseList(BaseModel):
    items: list[EnterpriseOut]


class DestinationIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "PLATFORM_PREFIX", "value": "203.0.113.0/24"}]})
    kind: Literal["PLATFORM_PREFIX", "SHORT_CODE", "CALL_CENTRE"]
    value: str = Field(min_length=1, max_length=64)


class Destinations(BaseModel):
    PLATFORM_PREFIX: list[str]
    SHORT_CODE: list[str]
    CALL_CENTRE: list[str]


class PersonIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"role": "REAL_NAME", "name": "张三", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X",
         "phone": "13800138000", "email": "zhang.san@oem.example"}]})
    role: Literal["PURCHASE", "REAL_NAME"]
    name: str = Field(min_length=1, max_length=64)
    id_type: IdType
    id_number: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=1, max_length=32)
    email: str | None = Field(None, max_length=254)


class PersonOut(BaseModel):
    id: int
    enterprise_id: int
    role: str
    name: str = Field(description="masked")
    id_type: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    email: str | None = Field(description="masked")
    term_start: dt.datetime
    term_end: dt.datetime | None


class PersonList(BaseModel):
    items: list[PersonOut]


class PersonQuery(Input):
    on: AsOf | None = Field(None, description="who was serving then: a date means the end of that day in China "
                                              "time, a datetime without an offset is China time (UTC+8)")
    history: bool = False


class RosterQuery(Input):
    on: AsOf | None = Field(None, description="the roster as it stood then: a date means the end of that day in "
                                              "China time, a datetime without an offset is China time (UTC+8)")
    format: Literal["json", "csv"] = "json"


class RosterEntry(BaseModel):
    enterprise_id: int
    enterprise_name: str
    uscc: str
    kind: str
    role: str | None
    name: str | None
    id_type: str | None
    id_number: str | None
    phone: str | None
    email: str | None
    term_start: dt.datetime | None


class Roster(BaseModel):
    on: dt.datetime
    items: list[RosterEntry]


class KeyIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"label": "TSP production"}]})
    label: str = Field("", max_length=200)


class IssuedKey(BaseModel):
    key_id: str
    secret: str = Field(description="shown once; store it now")
    enterprise_id: int


class RotateIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"grace_hours": 24}]})
    grace_hours: float = Field(24, ge=0, le=24 * 30, description="how long the old secret keeps working")


class KeyOut(BaseModel):
    key_id: str
    enterprise_id: int
    label: str
    status: Literal["ACTIVE", "ROTATING", "EXPIRED", "REVOKED"]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    replaced_by: str | None
    revoked_at: dt.datetime | None


class KeyList(BaseModel):
    items: list[KeyOut]
