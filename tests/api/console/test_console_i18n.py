"""One message catalogue: every message the console's code and templates use has a
Simplified Chinese translation; Chinese is the default and English a remembered choice."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from carrier_gateway.console import i18n
from tests.api.provisioning.helpers import tokens
from tests.support.console import sign_in
from tests.support.http import app_client

CONSOLE = Path(i18n.__file__).resolve().parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def used_messages() -> set[str]:
    found = extract_from_dir(str(CONSOLE), METHODS, options_map={"templates/**.html": {
        "extensions": "jinja2.ext.i18n"}})
    return {msg if isinstance(msg, str) else msg[0] for _file, _line, msg, _comments, _ctx in found}


def test_every_message_in_use_is_translated_and_none_is_left_over() -> None:
    used = used_messages()
    assert len(used) > 200 and "Sign in" in used and "Your role (%(role)s) may not do this." in used
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
