"""Enterprises: the list and a new one; one enterprise with its responsible persons (as
of a date, masked), API keys, number blocks, prefixes and orders; naming a person."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from carrier_gateway.api import enterprise_models as m
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.console import permissions
from carrier_gateway.console.forms import FormErrors, parse, submit
from carrier_gateway.console.i18n import _
from carrier_gateway.console.pages import form_of, page, redirect, render, session_of
from numbering.ip import pool_usage
from numbering.msisdn import usage
from provisioning.cards import orders
from provisioning.enterprises import credentials, destinations, persons, registry
from provisioning.enterprises.people import ID_TYPES


def _enterprise_id(request: web.Request) -> int:
    return int(request.match_info["enterprise_id"])


async def _list_context(request: web.Request) -> dict[str, Any]:
    async with request.config_dict[DB].read() as conn:
        items = await registry.list_enterprises(conn)
    return {"enterprises": items, "oems": [(e.id, f"{e.id} · {e.name}") for e in items if e.kind == "OEM"],
            "errors": {}, "values": {}}


@page("GET", "/enterprises", action="enterprises.read")
async def enterprise_list(request: web.Request) -> web.StreamResponse:
    return render(request, "enterprises.html", await _list_context(request))


@page("POST", "/enterprises", action="enterprises.create")
async def add_enterprise(request: web.Request) -> web.StreamResponse:
    async def act(body: m.EnterpriseIn) -> registry.Enterprise:
        async with request.config_dict[DB].write() as conn:
            return await registry.add_enterprise(conn, actor=session_of(request).actor, **body.model_dump())

    try:
        ent = await submit(m.EnterpriseIn, form_of(request), act)
    except FormErrors as errors:
        context = await _list_context(request)
        context.update(errors=errors.as_dict(), values=form_of(request))
        return render(request, "enterprises.html", context, status=errors.status)
    raise redirect(request, f"/console/enterprises/{ent.id}", _("Enterprise %(id)s recorded.", id=ent.id))


async def _detail(request: web.Request, **extra: Any) -> dict[str, Any]:
    role, eid = session_of(request).role, _enterprise_id(request)
    errors: dict[str, str] = {}
    try:
        query = parse(m.PersonQuery, dict(request.query))
    except FormErrors as bad:
        query, errors = m.PersonQuery(), {f"q-{k}": v for k, v in bad.fields.items()}
    keyring = request.config_dict[KEYRING]
    async with request.config_dict[DB].read() as conn:
        ent = await registry.get_enterprise(conn, eid)
        context: dict[str, Any] = {
            "e": ent, "destinations": await destinations.list_destinations(conn, eid),
            "persons": await persons.list_persons(conn, keyring, eid, on=query.on, history=query.history)
            if permissions.may(role, "persons.read") else None,
            "keys": await credentials.list_keys(conn, eid) if permissions.may(role, "keys.read") else None,
            "blocks": await usage.block_usage(conn, enterprise_id=eid),
            "prefixes": await pool_usage.prefix_usage(conn, enterprise_id=eid),
            "orders": await orders.list_orders(conn, enterprise_id=eid, limit=20),
            "on": request.query.get("on", ""), "history": query.history,
            "id_types": [(t, t) for t in ID_TYPES], "roles": [("REAL_NAME", "REAL_NAME"), ("PURCHASE", "PURCHASE")],
            "errors": errors, "values": {}, "form": None, "issued": None}
    context.update(extra)
    return context


@page("GET", "/enterprises/{enterprise_id:\\d{1,10}}", action="enterprises.read")
async def enterprise_page(request: web.Request) -> web.StreamResponse:
    return render(request, "enterprise.html", await _detail(request))


@page("POST", "/enterprises/{enterprise_id:\\d{1,10}}/persons", action="persons.create")
async def add_person(request: web.Request) -> web.StreamResponse:
    eid = _enterprise_id(request)

    async def act(body: m.PersonIn) -> persons.Person:
        async with request.config_dict[DB].write() as conn:
            return await persons.add_person(conn, request.config_dict[KEYRING], eid, actor=session_of(request).actor,
                                            **body.model_dump())

    try:
        person = await submit(m.PersonIn, form_of(request), act)
    except FormErrors as errors:
        context = await _detail(request, errors=errors.as_dict(), values=form_of(request), form="person")
        return render(request, "enterprise.html", context, status=errors.status)
    raise redirect(request, f"/console/enterprises/{eid}",
                   _("%(role)s responsible person named: %(name)s.", role=person.role, name=person.name))
