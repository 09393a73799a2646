"""Who a MOICA certificate names: the holder's name (the subject's common name) and the last
four characters of the national ID, which MOICA keeps in the Subject Directory Attributes.

Apart from ``devices.pki`` (the trust store and path validation; it re-exports these) because
reading the holder is parsing one extension with asn1crypto, not deciding whether to trust.
"""

from __future__ import annotations

from asn1crypto import core
from cryptography import x509

SDA_OID = "2.5.29.9"
LAST4_OID = "2.16.886.1.100.2.51"


class _Values(core.SetOf):  # type: ignore[misc]
    _child_spec = core.Any


class _Attribute(core.Sequence):  # type: ignore[misc]
    _fields = [("type", core.ObjectIdentifier), ("values", _Values)]  # noqa: RUF012


class _Attributes(core.SequenceOf):  # type: ignore[misc]
    _child_spec = _Attribute


def id_last4(cert: x509.Certificate) -> str | None:
    """The last four ID characters MOICA stores in Subject Directory Attributes."""
    try:
        ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(SDA_OID))
    except x509.ExtensionNotFound:
        return None
    raw = ext.value.value if isinstance(ext.value, x509.UnrecognizedExtension) else None
    if raw is None:
        return None
    try:
        attrs = _Attributes.load(raw)
        for attr in attrs:
            if attr["type"].dotted == LAST4_OID:
                for v in attr["values"]:
                    parsed = v.parsed if hasattr(v, "parsed") else v
                    text = parsed.native if hasattr(parsed, "native") else None
                    if isinstance(text, str):
                        return text.strip().upper()
    except (ValueError, TypeError):
        return None
    return None


def holder_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value).strip() if names else ""
