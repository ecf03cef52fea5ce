"""Request and response schemas of the ops API's network endpoints (RADIUS clients, usage)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from provisioning.inputs import Input


class NasIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "pgw-beijing-1", "address": "10.1.0.7"}]})
    name: str = Field(min_length=1, max_length=64, description="letters, digits, '.', '_', '-'")
    address: str = Field(min_length=1, max_length=64, description="the gateway's source address, or a prefix")
    secret: str | None = Field(None, min_length=1, max_length=128,
                               description="16 to 128 printable characters; generated when left out")


class IssuedNas(BaseModel):
    id: int
    name: str
    address: str
    secret: str = Field(description="shown once; configure it on the gateway now")


class Nas(BaseModel):
    id: int
    name: str
    address: str
    created_at: dt.datetime


class NasList(BaseModel):
    items: list[Nas]


class CardUsage(BaseModel):
    iccid: str
    sessions: int
    open_sessions: int
    input_octets: int
    output_octets: int
    period_start: dt.datetime = Field(description="the factory test's start (TEST) or the month's, China time")
    period_mb: float = Field(description="data of the sessions started in the period, MB (MiB)")
    cap_mb: int | None = Field(description="the usage type's cap for the period; null when uncapped")


class EnterpriseUsage(BaseModel):
    enterprise_id: int
    sessions: int
    open_sessions: int
    input_octets: int
    output_octets: int
