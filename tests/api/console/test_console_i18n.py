"""One message catalogue: every message the console's code and templates use, and the
inspection report page's (which the console shows), has a Simplified Chinese translation;
Chinese is the default and English a remembered choice, the report page's too."""

from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import provisioning.reports
from carrier_gateway.console import i18n
from carrier_gateway.db import Database, describe
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.console import sign_in
from tests.support.http import app_client
from tests.support.world import build_oem

CONSOLE = Path(i18n.__file__).resolve().parent
#: where the catalogue's messages are written (carrier_gateway/console/babel.cfg)
SOURCES = (CONSOLE, Path(provisioning.reports.__file__).resolve().parent)
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def used_messages() -> set[str]:
    found = [m for source in SOURCES for m in extract_from_dir(str(source), METHODS, options_map={
        "templates/**.html": {"extensions": "jinja2.ext.i18n"}})]
    return {msg if isinstance(msg, str) else msg[0] for _file, _line, msg, _comments, _ctx in found}


def test_every_message_in_use_is_translated_and_none_is_left_over() -> None:
    used = used_messages()
    assert len(used) > 200 and "Sign in" in used and "Your role (%(role)s) may not do this." in used
    assert "Registration funnel" in used and "(vacant)" in used  # the report page's, said and defined
    with i18n.po_path("zh_CN").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id}
    assert sorted(used - set(translated)) == []
    assert sorted(set(translated) - used) == []
    assert [k for k, v in translated.items() if not v] == []
    assert not any(m.fuzzy for m in catalog if m.id)
    zh = i18n.translations("zh")
    assert zh.gettext("Sign in") == "登录"
    assert zh.gettext("Your role (%(role)s) may not do this.") % {"role": "ops"} == "您的角色（ops）无权执行此操作。"


async def test_chinese_by_default_english_by_a_remembered_choice(db_url: str) -> None:
    heads = await tokens(db_url, "ops")
    async with app_client(db_url, workers=0) as http:
        login = await (await http.get("/console/login")).text()
        assert '<html lang="zh-Hans">' in login and "登录" in login
        await sign_in(http, heads["ops"]["Authorization"].removeprefix("Bearer "))
        switched = await http.get("/console/lang/en?next=/console/orders", allow_redirects=False)
        assert switched.status == 303 and switched.headers["Location"] == "/console/orders"
        assert "Max-Age=31536000" in switched.headers["Set-Cookie"]
        page = await (await http.get("/console/orders")).text()
        assert '<html lang="en">' in page and "Place an order" in page and "下单" not in page
        wrong = await http.post("/console/orders", data={"csrf_token": "forged"})
        assert wrong.status == 403 and "This form has expired" in await wrong.text()
        away = await http.get("/console/lang/zh?next=//evil.example/", allow_redirects=False)
        assert away.headers["Location"] == "/console/"


async def test_the_inspection_report_in_the_page_speaks_the_console_language(
        db: Database, db_url: str, master_key: Keyring) -> None:
    await build_oem(db, master_key, cards=3)  # nobody named responsible yet: a warning to read
    async with app_client(db_url, workers=0) as http:
        await sign_in(http, (await tokens(db_url, "ops"))["ops"]["Authorization"].removeprefix("Bearer "))
        zh = await (await http.get("/console/report")).text()
        for said in ("<h1>检查报告：车联网卡实名登记</h1>", "<h2>登记漏斗</h2>", "<h2>各企业各状态卡数</h2>",
                     "<h2>补登记与截止日期</h2>", "<h2>责任人（已脱敏）</h2>", "<th>编号</th><th>企业</th>",
                     "无违规：每张 ACTIVE 卡都有 VERIFIED 登记（第 8 条）。",
                     "企业 1 没有 PURCHASE, REAL_NAME 责任人（第 10 条）"):
            assert said in zh, said
        report = html.unescape(re.sub(r"<[^>]+>", " ", zh[zh.index('<div class="report">'):]))
        assert re.findall(r"\b[a-z]{2,}\b", report.replace(describe(db_url), "")) == []  # no English words left

        await http.get("/console/lang/en")
        en = await (await http.get("/console/report")).text()
        for said in ("<h1>Inspection report: real-name registration of connected-vehicle cards</h1>",
                     "<h2>Registration funnel</h2>", "<h2>Cards per enterprise and state</h2>",
                     "<th>id</th><th>enterprise</th>",
                     "No violations: every ACTIVE card has a VERIFIED registration (clause 8).",
                     "enterprise 1 has no responsible person for PURCHASE, REAL_NAME (clause 10)"):
            assert said in en, said
        assert "登记漏斗" not in en and "检查报告" not in en
