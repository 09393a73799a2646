"""The citizen's status page as a screen reader takes it (docs/channels.md): the page is
``lang='zh-Hant-TW'``, and its English words, unmarked, were read with the Chinese voice; the
answer had no heading to jump to and the title never changed, so a blind citizen heard the
form again and had to search for what the query found, or why it was refused. Real county
server on loopback, a web application's case, the page read back and parsed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
from channel_helpers import APPLICATION, channel_token
from sync_helpers import CountyServer

#: An English word (two letters or more; ``NT$`` is the currency's sign, read as such).
_WORD = re.compile(r"[A-Za-z]{2,}(?!\$)")


class _Reader(HTMLParser):
    """Each text of the body with the language it is read in; the headings; the fields'
    attributes; the title."""

    def __init__(self) -> None:
        super().__init__()
        self.langs: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []
        self.headings: list[str] = []
        self.fields: dict[str, dict[str, str]] = {}
        self.title = ""
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        lang = a.get("lang", self.langs[-1][1] if self.langs else "")
        if tag not in ("br", "input", "meta"):
            self.langs.append((tag, lang))
            self._in.append(tag)
        if tag == "input":
            self.fields[a["id"]] = a

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
            self.langs.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        elif "style" not in self._in and "head" not in self._in and data.strip():
            self.texts.append((self.langs[-1][1], data))
            if any(t in self._in for t in ("h1", "h2", "h3")):
                self.headings.append(data.strip())


def _read(page: str) -> _Reader:
    reader = _Reader()
    reader.feed(page)
    return reader


def _english_read_as_chinese(reader: _Reader) -> list[str]:
    return [text for lang, text in reader.texts if lang != "en" and _WORD.search(text)]


def test_the_page_marks_its_english_heads_its_answer_and_titles_the_outcome(
    sqlite_county: CountyServer,
) -> None:
    web = {"Authorization": f"Bearer {channel_token(sqlite_county, 'web-portal', 'web')}"}
    with httpx.Client(base_url=sqlite_county.url, timeout=10) as http:
        r = http.post("/v1/channel/applications", json=APPLICATION, headers=web)
        assert r.status_code == 201, r.text
        number = str(r.json()["case_number"])

        empty = _read(http.get("/status").text)
        assert _english_read_as_chinese(empty) == []
        assert empty.title == "案件進度查詢 Case status"
        assert "aria-invalid" not in empty.fields["case_number"]

        found = _read(http.post("/status", data={"case_number": number, "id_last4": "6789"}).text)
        assert _english_read_as_chinese(found) == []
        assert ("en", "Payment due") in found.texts and ("en", "Result") in found.texts
        assert found.headings[-2:] == ["查詢結果", "Result"]
        assert found.title == "待繳費 Payment due – 案件進度查詢 Case status"

        wrong = _read(http.post("/status", data={"case_number": number, "id_last4": "678"}).text)
        assert _english_read_as_chinese(wrong) == []
        assert wrong.title.startswith("身分證號末四碼請輸入 4 個英文字母或數字。 – "), wrong.title
        for field in ("case_number", "id_last4"):
            assert wrong.fields[field]["aria-describedby"] == "message"
            assert wrong.fields[field]["aria-invalid"] == "true"
        assert "Result" not in wrong.headings
