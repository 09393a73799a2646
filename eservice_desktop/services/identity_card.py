"""What the citizen certificate card (MOICA, PKCS#11) says, in the clerk's words: a wrong or
locked PIN with the tries left, a missing module or card, and whether a token is present.
Re-exported by ``services.identity``.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from eservice_desktop.config import Settings
from eservice_desktop.devices import moica
from eservice_desktop.domain.errors import DomainError
from eservice_desktop.domain.ids import mask_name


class PinError(DomainError):
    """Wrong or blocked PIN; carries what the card says about the tries left."""

    def __init__(self, code: str, zh: str, en: str, tries: moica.PinTries | None) -> None:
        super().__init__(code, zh, en, field="pin")
        self.tries = tries


def masked_subject(cert: x509.Certificate) -> str:
    """The certificate's subject with the holder's name (its common name) masked."""
    rdns = [
        x509.RelativeDistinguishedName(
            x509.NameAttribute(NameOID.COMMON_NAME, mask_name(str(a.value)) or "*")
            if a.oid == NameOID.COMMON_NAME
            else a
            for a in rdn
        )
        for rdn in cert.subject.rdns
    ]
    return x509.Name(rdns).rfc4514_string()


def moica_presence(settings: Settings) -> dict[str, Any]:
    """What ``card status`` says of the citizen certificate token: its label, or why not. Like
    the readers' part, it says what is where, not who: the holder's name is masked (it needs no
    sign-in; ``card verify`` names the holder to a signed-in operator)."""
    try:
        status = moica.status(settings.pkcs11_module, settings.pkcs11_token_label)
    except moica.CardError as e:
        return {"present": False, "code": e.code}
    info = status.to_json()
    if status.certificate is not None:
        info["certificate"]["subject"] = masked_subject(status.certificate)
    info["present"] = True
    return info


def locked_error() -> DomainError:
    """What the clerk reads when the card is already locked (shown before asking a PIN)."""
    return card_error(moica.CardError("pin.locked", "locked", moica.PinTries("locked", 0)))


def card_error(e: moica.CardError) -> DomainError:
    """The clerk's message for a card or PIN failure (a PinError carries the tries left)."""
    if e.code == "pin.wrong":
        left = e.tries.left if e.tries else None
        zh = "PIN 碼錯誤" + (f"，尚餘 {left} 次機會" if left is not None else "，剩餘次數已減少")
        en = "Wrong PIN" + (f"; {left} tries left" if left is not None else "; fewer tries left")
        if e.tries and e.tries.state == "final":
            zh, en = (
                "PIN 碼錯誤，僅剩最後 1 次機會，再錯將鎖卡",
                "Wrong PIN; ONE try left before lock",
            )
        return PinError("pin.wrong", zh, en, e.tries)
    if e.code == "pin.locked":
        return PinError("pin.locked", moica.BLOCKED_GUIDANCE_ZH, moica.BLOCKED_GUIDANCE_EN, e.tries)
    messages = {
        "pkcs11.not_configured": (
            "尚未設定自然人憑證模組（PKCS#11），請洽資訊人員",
            "No PKCS#11 module configured; call IT",
        ),
        "pkcs11.load": (
            "無法載入自然人憑證模組，請洽資訊人員",
            "Cannot load the PKCS#11 module; call IT",
        ),
        "card.absent": ("請插入自然人憑證", "Insert the citizen certificate card"),
        "card.many": ("偵測到多張憑證卡，請只留一張", "More than one card present; leave only one"),
        "pin.format": ("PIN 碼長度或字元不正確", "The PIN has the wrong length or characters"),
        "card.no_answer": (
            f"自然人憑證或讀卡機 {moica.ANSWER_S:.0f} 秒未回應：請取出卡片重新插入，"
            "或改用另一部讀卡機，再驗證一次",
            f"The citizen certificate card or its reader did not answer in "
            f"{moica.ANSWER_S:.0f} s: take the card out and insert it again, or use another "
            "reader, then verify again",
        ),
        "card.still_busy": (
            "自然人憑證或讀卡機仍未回應上一次的要求：請取出卡片重新插入後再試；"
            "一直如此時請重新啟動本程式",
            "The citizen certificate card or its reader has still not answered the last "
            "request: take the card out, insert it again and try again; if this goes on, "
            "restart the program",
        ),
    }
    zh, en = messages.get(e.code, ("自然人憑證操作失敗", "The citizen certificate card failed"))
    return DomainError(e.code, zh, en, "pin" if e.code.startswith("pin") else None)
