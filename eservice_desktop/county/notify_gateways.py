"""The notification gateways the dispatcher sends through: a file (one JSON line a message,
the MMS picture beside it; the demo and the tests), SMTP (e-mail, and MMS through an operator's
mail domain) and an HTTP SMS/MMS provider. ``gateway_from_spec`` turns ``serve --gateway`` into
one. Re-exported by ``county.notify``.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import parse_qs, urlsplit

import requests

log = logging.getLogger("eservice.county.notify")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (the MMS pickup picture)."""

    filename: str
    content_type: str
    data: bytes


class Gateway(Protocol):
    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        """Sends one message (with the MMS picture when given); returns the gateway's
        reference; raises on failure."""
        ...


class FileGateway:
    """Development gateway: appends each message as a JSON line to a file; an attachment is
    written beside it (``<ref>.png``) and named in the line's ``"attachment"``.

    The file holds the citizens' mobiles and e-mail addresses and the picture the code that
    releases their documents: both are the server's account's only (0600, made so before a
    byte is written), as the county's backups are. They were made with the process's umask
    (0644 under systemd's default), readable by every account on the county's machine."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ref = str(uuid.uuid4())
        line: dict[str, Any] = {
            "ref": ref,
            "channel": channel,
            "to": recipient,
            "subject": subject,
            "body": body,
        }
        if attachment is not None:
            suffix = Path(attachment.filename).suffix or ".bin"
            name = f"{self.path.stem}-{ref}{suffix}"
            tmp = self.path.parent / (name + ".tmp")
            with _owner_only(tmp, os.O_TRUNC) as f:
                f.write(attachment.data)
            tmp.replace(self.path.parent / name)  # whole before the line names it
            line["attachment"] = name
            line["attachment_type"] = attachment.content_type
        with _owner_only(self.path, os.O_APPEND) as f:
            f.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
        return ref


def _owner_only(path: Path, how: int) -> BinaryIO:
    """``path`` opened for writing, made 0600 when it is new; one of an older build, made with
    the umask, is brought to 0600 too (its owner may; another account's is left as it is)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | how | getattr(os, "O_BINARY", 0), 0o600)
    try:
        if os.name == "posix" and os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, "wb")


class SmtpGateway:
    """E-mail through a real SMTP server (STARTTLS when ``starttls``). An MMS goes through the
    carrier's e-mail-to-MMS relay (``<phone>@mms_domain``) when ``mms_domain`` is set. The
    picture is attached to the mail."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str = "noreply@example.gov.tw",
        user: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
        mms_domain: str = "",
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout
        self.mms_domain = mms_domain

    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        if channel == "mms" and self.mms_domain:
            recipient = f"{recipient}@{self.mms_domain}"
        elif channel != "email":
            raise ValueError(f"SMTP cannot send {channel}")
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, recipient, subject
        msg["Message-ID"] = f"<{uuid.uuid4()}@eservice-county>"
        msg.set_content(body)
        if attachment is not None:
            main, _, sub = attachment.content_type.partition("/")
            msg.add_attachment(
                attachment.data, maintype=main, subtype=sub, filename=attachment.filename
            )
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(msg)
        return str(msg["Message-ID"])


class HttpSmsGateway:
    """An HTTP SMS/MMS provider: POST JSON {to, text, type}, or for a message with a picture a
    multipart/form-data POST with the fields ``to``, ``text``, ``type`` and the file ``image``;
    2xx with {"id"} is success."""

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(
        self,
        channel: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: Attachment | None = None,
    ) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        fields = {"to": recipient, "text": body, "type": channel}
        if attachment is None:
            r = requests.post(self.url, json=fields, headers=headers, timeout=self.timeout)
        else:
            r = requests.post(
                self.url,
                data=fields,
                files={"image": (attachment.filename, attachment.data, attachment.content_type)},
                headers=headers,
                timeout=self.timeout,
            )
        r.raise_for_status()
        return str(r.json().get("id", ""))


#: Where ``serve`` reads a gateway's secret (never from the command line, which every user of
#: the machine can read in the process list): the SMTP relay's password, the SMS provider's
#: bearer token.
PASSWORD_ENV = "ESERVICE_COUNTY_GATEWAY_PASSWORD"
TOKEN_ENV = "ESERVICE_COUNTY_GATEWAY_TOKEN"


class GatewaySecretMissing(ValueError):
    """``smtp://USER@…`` without :data:`PASSWORD_ENV`."""


class GatewaySecretInSpec(ValueError):
    """A password written into the spec itself (never echoed)."""


def gateway_from_spec(spec: str, env: dict[str, str] | None = None) -> Gateway:
    """``file:PATH`` | ``smtp://[USER@]host:port[?mms_domain=D&from=ADDR&starttls=1]`` |
    ``http(s)://sms-provider/...``; the SMTP password and the provider's token come from
    ``env`` (:data:`PASSWORD_ENV`, :data:`TOKEN_ENV`). ValueError for one no message could go
    through: ``file:`` without a path, into a folder that is not there, or onto a folder, a
    device or a named pipe (the sending thread waited on the pipe for good), and ``https://``
    without a host. Each was taken, and every notice failed its eight tries without a word at
    the start. The sender, STARTTLS, the relay's login and the provider's token could not be
    given at all: mail went out from ``noreply@example.gov.tw`` in clear, and a provider that
    asks for a key refused every message."""
    env = dict(env or {})
    if spec.startswith("file:"):
        path = Path(spec[5:])
        if not spec[5:] or not path.parent.is_dir() or (path.exists() and not path.is_file()):
            raise ValueError(f"unusable file gateway {spec!r}")
        return FileGateway(path)
    if spec.startswith("smtp://"):
        return _smtp_gateway(spec, env)
    if spec.startswith(("http://", "https://")):
        if not urlsplit(spec).hostname:
            raise ValueError(f"unusable sms gateway {spec!r}")
        return HttpSmsGateway(spec, token=env.get(TOKEN_ENV, ""))
    raise ValueError(f"unknown gateway {spec!r}")


def _smtp_gateway(spec: str, env: dict[str, str]) -> SmtpGateway:
    parts = urlsplit(spec)
    if parts.password is not None:
        raise GatewaySecretInSpec("a password in the smtp gateway")
    try:
        port = parts.port or 25
    except ValueError:  # out of range, or not a number
        port = 0
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    sender = options.get("from", "noreply@example.gov.tw")
    if not parts.hostname or not 0 < port < 65536 or "@" not in sender[1:-1]:
        raise ValueError(f"unusable smtp gateway {spec!r}")
    user = parts.username or ""
    if user and not env.get(PASSWORD_ENV):
        raise GatewaySecretMissing(f"no {PASSWORD_ENV} for {user!r}")
    return SmtpGateway(
        parts.hostname,
        port,
        sender=sender,
        user=user,
        password=env.get(PASSWORD_ENV, "") if user else "",
        starttls=options.get("starttls", "") in ("1", "true", "yes"),
        mms_domain=options.get("mms_domain", ""),
    )
