"""The command line's case and payment output of an over-paid case (溢繳) says what the fees
page says: over-paid by NT$300, to refund, never a balance of -300 in its text."""

from __future__ import annotations

import json

from overpaid_support import over_paid_case
from payments_tools import cli

from eservice_desktop.services.core import App


def test_case_show_and_payment_list_say_over_paid(app: App) -> None:
    number = over_paid_case(app)
    d = app.settings.data_dir
    app.close()
    shown = json.loads(cli(d, "case", "show", number, "--json").stdout)
    assert (shown["paid"], shown["balance"], shown["overpaid"]) == (600, -300, 300)
    text = cli(d, "case", "show", number).stdout
    assert "溢繳 300 元，請辦理退費" in text and "-300" not in text
    english = cli(d, "--lang", "en", "case", "show", number).stdout
    assert "over-paid NT$300: refund the over-payment" in english and "-300" not in english
    listed = cli(d, "payment", "list", number).stdout.splitlines()
    assert len(listed) == 2 and all("溢繳 300 元" in line for line in listed)
    assert "-300" not in "".join(listed)
    listed_en = cli(d, "--lang", "en", "payment", "list", number).stdout
    assert "over-paid NT$300" in listed_en and "-300" not in listed_en
