"""Domain errors in the reader's language: every code the domain can raise has a sentence
translated into Chinese, every field it names a translated label; on a Chinese page an
error is that sentence, the field's label where the error is not beside its field, and
the values the error names, with no English prose; on an English page the sentence is
followed by the precise detail."""

from __future__ import annotations

import ast
import contextvars
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from carrier_gateway.console import i18n
from carrier_gateway.console.errors import FIELDS, MESSAGES
from carrier_gateway.db import Database
from numbering.errors import DomainError
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.console import csrf_in, sign_in
from tests.support.http import app_client
from tests.support.world import build_oem

ROOT = Path(__file__).resolve().parents[3]
#: the domain raises codes from its own packages; the service adds its own error classes
DOMAIN, SERVICE = ("numbering", "provisioning"), ("carrier_gateway",)
_ERROR = re.compile(r'<p class="error" role="alert">([^<]*)</p>')
_FIELD_ERROR = re.compile(r'<span class="error">([^<]*)</span>')


def _modules(package: str) -> Iterator[str]:
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if ".migrations" not in info.name:
            yield info.name


def _subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _keyword_strings(module: str, keyword: str) -> set[str]:
    """The strings a module passes as ``keyword=`` to any call: literals, and its own
    constants (a parameter passed on is found where its caller names the value)."""
    loaded = importlib.import_module(module)
    tree = ast.parse(Path(loaded.__file__ or "").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        for kw in node.keywords if isinstance(node, ast.Call) else ():
            if kw.arg != keyword:
                continue
            for part in ast.walk(kw.value):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.add(part.value)
                elif isinstance(part, ast.Name) and isinstance(getattr(loaded, part.id, None), str):
                    found.add(getattr(loaded, part.id))
    return found


def raised_codes() -> set[str]:
    """Every error code: of each DomainError class anywhere, and given at a raise in the domain."""
    domain_modules = [m for p in DOMAIN for m in _modules(p)]
    for name in domain_modules + [m for p in SERVICE for m in _modules(p)]:
        importlib.import_module(name)
    codes = {DomainError.code} | {cls.code for cls in _subclasses(DomainError)}
    return codes | {c for m in domain_modules for c in _keyword_strings(m, "code")}


def named_fields() -> set[str]:
    return {f for m in (m for p in DOMAIN for m in _modules(p)) for f in _keyword_strings(m, "field")}


def _in(lang: str, say: Callable[[], str]) -> str:
    def run() -> str:
        i18n.activate(lang)
        return say()

    return contextvars.copy_context().run(run)


def _translated(table: dict[str, Callable[[], str]]) -> dict[str, tuple[str, str]]:
    """Each entry as written and in Chinese."""
    return {key: (_in("en", say), _in("zh", say)) for key, say in table.items()}


def test_every_code_the_domain_raises_has_a_sentence_translated_into_chinese() -> None:
    codes = raised_codes()
    assert {"ENTERPRISE_EXISTS", "CARD_STATE_CONFLICT", "EXHAUSTED", "ID_NUMBER_INVALID", "SEGMENT_OVERLAP",
            "CONCURRENT_CHANGE", "UNAUTHENTICATED"} <= codes  # classes, literals at raises, and constants
    assert sorted(codes - set(MESSAGES)) == []
    assert sorted(set(MESSAGES) - codes) == []  # no sentence for a code nothing raises
    for code, (english, chinese) in _translated(MESSAGES).items():
        assert english != chinese and re.search(r"[\u4e00-\u9fff]", chinese), code


def test_every_field_the_domain_names_has_a_translated_label() -> None:
    fields = named_fields()
    assert {"uscc", "state", "prefix_length", "callback_url", "id_number", "first"} <= fields
    assert sorted(fields - set(FIELDS)) == []
    for field, (english, chinese) in _translated(FIELDS).items():
        assert chinese and (english != chinese or english.isupper()), field  # APN, IMEI... are the same words


async def _ops(db_url: str) -> str:
    return (await tokens(db_url, "ops"))["ops"]["Authorization"].removeprefix("Bearer ")


async def test_on_a_chinese_page_a_domain_error_is_chinese_with_its_field_and_values(
        db: Database, db_url: str, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    async with db.read() as conn:
        uscc = (await conn.exec_driver_sql("SELECT uscc FROM enterprises WHERE id = 1")).scalar_one()
    async with app_client(db_url, workers=0) as http:
        csrf = await sign_in(http, await _ops(db_url))
        # beside its field (the form has a USCC field): the sentence and the enterprise that has it
        taken = await http.post("/console/enterprises", data={"csrf_token": csrf, "name": "另一家汽车有限公司",
                                                              "uscc": uscc, "kind": "OEM"})
        assert taken.status == 409
        assert _FIELD_ERROR.findall(await taken.text()) == ["已登记具有此统一社会信用代码的企业。（1）"]
        # above the form (its field, the state, is not one of the form's): named by its label
        iccid = oem.iccids[0]
        moved = await http.post(f"/console/cards/{iccid}/transition", allow_redirects=False,
                                data={"csrf_token": csrf, "to": "PENDING", "reason": "sold"})
        assert moved.status == 303
        refused = await http.post(f"/console/cards/{iccid}/transition",
                                  data={"csrf_token": csrf, "to": "ACTIVE", "reason": "sold"})
        assert refused.status == 409
        assert _ERROR.findall(await refused.text()) == ["状态：卡的当前状态不允许此变更。（PENDING）"]
        # a page about something that does not exist
        missing = await http.get("/console/orders/999")
        assert missing.status == 404 and _ERROR.findall(await missing.text()) == ["没有此订单。（999）"]
        # a domain error with no value to show: the sentence alone
        exhausted = await http.post("/console/blocks", data={"csrf_token": csrf, "enterprise_id": "1",
                                                             "count": "99999999"})
        assert exhausted.status == 409
        assert _ERROR.findall(await exhausted.text()) == ["空闲号码或地址不足以满足此请求。"]

        await http.get("/console/lang/en")
        english = await http.post(f"/console/cards/{iccid}/transition",
                                  data={"csrf_token": csrf, "to": "ACTIVE", "reason": "sold"})
        [told] = _ERROR.findall(await english.text())
        assert told == ("State: The card&#39;s current state does not allow this change. (card is PENDING with "
                        "real-name status NONE: ACTIVE needs a VERIFIED registration)")
        page = await (await http.get("/console/enterprises")).text()
        form = await http.post("/console/enterprises", data={"csrf_token": csrf_in(page), "name": "Another Motors",
                                                             "uscc": uscc, "kind": "OEM"})
        assert _FIELD_ERROR.findall(await form.text()) == [
            f"An enterprise with this USCC is already recorded. (USCC {uscc} is already enterprise 1)"]
