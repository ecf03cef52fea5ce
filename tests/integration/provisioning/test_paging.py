"""Every list that pages returns the one ``paging.Page`` and follows its keyset cursor:
walking ``next_cursor`` visits each item once, in key order, and the last page (even one
exactly ``limit`` long) says no more follow."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from carrier_gateway.db import Database
from provisioning import paging
from provisioning.audit import query
from provisioning.backfill import status
from provisioning.cards import store
from provisioning.jobs import views
from provisioning.privacy.keyring import Keyring
from tests.support.world import build_oem

ROOT = Path(__file__).resolve().parents[3]
LISTS = [store.list_cards, status.list_flagged, query.page, views.list_jobs, views.result_page]


async def _walk(fetch: Callable[[Any], Awaitable[paging.Page[Any]]]) -> list[paging.Page[Any]]:
    pages = [await fetch(None)]
    while pages[-1].next_cursor is not None:
        pages.append(await fetch(pages[-1].next_cursor))
    return pages


async def test_following_the_cursor_visits_every_card_once_in_order(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=5)
    async with db.read() as conn:
        for limit in (1, 2, 5):
            pages = await _walk(lambda cursor, n=limit: store.list_cards(conn, enterprise_id=oem.enterprise_id,
                                                                          cursor=cursor, limit=n))
            assert [c.iccid for p in pages for c in p.items] == sorted(oem.iccids)
            assert [len(p.items) for p in pages] == {1: [1] * 5, 2: [2, 2, 1], 5: [5]}[limit]
            assert all(p.next_cursor == p.items[-1].iccid for p in pages[:-1])


async def test_an_int_keyed_list_pages_the_same_way(db: Database, master_key: Keyring) -> None:
    await build_oem(db, master_key, cards=2)
    async with db.read() as conn:
        everything = (await query.page(conn, query.Filters(), limit=500)).items
        assert len(everything) >= 4
        size = len(everything) // 2  # two full pages, or two and a short one
        pages = await _walk(lambda cursor: query.page(conn, query.Filters(),
                                                      cursor=None if cursor is None else int(cursor), limit=size))
    assert [e["seq"] for p in pages for e in p.items] == [e["seq"] for e in everything]
    assert all(p.next_cursor == str(p.items[-1]["seq"]) for p in pages[:-1])
    exact = paging.cut(list(range(size)), size, key=str, item=int)
    assert exact.next_cursor is None and len(exact.items) == size  # a full last page ends the walk


@pytest.mark.parametrize("listing", LISTS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_each_list_returns_the_one_page_type(listing: Callable[..., Any]) -> None:
    annotation = inspect.signature(listing).return_annotation
    assert annotation.startswith("Page[") and listing.__globals__["Page"] is paging.Page


def test_no_second_page_type_or_hand_made_cursor() -> None:
    """Only paging.py cuts pages (the ``limit + 1`` read) or defines ``Page``."""
    wrong = []
    for package in ("provisioning", "carrier_gateway"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "provisioning" / "paging.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name == "Page":
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} class Page")
                if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
                        and isinstance(node.right, ast.Constant) and node.right.value == 1
                        and isinstance(node.left, (ast.Name, ast.Attribute))
                        and (getattr(node.left, "id", None) or getattr(node.left, "attr", None)) == "limit"):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} limit + 1")
    assert not wrong, wrong
