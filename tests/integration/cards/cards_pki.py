"""A throwaway MOICA-like PKI built with ``cryptography``, and SoftHSM2 tokens holding its keys.

GRCA-like root → MOICA-like intermediate → citizen certificates with the MOICA extensions:
certificate policy (assurance level OID), key usage, Subject Directory Attributes carrying the
last four ID characters (2.16.886.1.100.2.51). Each scenario certificate lives on its own SoftHSM
token (label = scenario name) together with its private key, the way a card holds both.
Used by tests/integration/cards, tests/unit/cards, tests/gui and benchmarks/bench_cards.py.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "482913"
SO_PIN = "12345678"
LEVEL3 = "2.16.886.101.0.3.3"
LEVEL1 = "2.16.886.101.0.3.1"
TEST_LEVEL = "2.16.886.101.0.3.0"
SDA_LAST4 = "2.16.886.1.100.2.51"
HOLDER_NAME = "王小明"
HOLDER_ID = "A123456789"

# Fixed reference "now" of the tests (tests/conftest.py DEFAULT_NOW).
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


class _Values(core.SetOf):
    _child_spec = core.Any


class _Attribute(core.Sequence):
    _fields = [("type", core.ObjectIdentifier), ("values", _Values)]  # noqa: RUF012


class _Attributes(core.SequenceOf):
    _child_spec = _Attribute


def sda_extension(last4: str) -> x509.UnrecognizedExtension:
    value = _Attributes(
        [
            _Attribute(
                {
                    "type": SDA_LAST4,
                    "values": [core.Any.load(core.PrintableString(last4).dump())],
                }
            )
        ]
    ).dump()
    return x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.9"), value)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str, **extra: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "TW")]
    if "o" in extra:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, extra["o"]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if "serial" in extra:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, extra["serial"]))
    return x509.Name(attrs)


@dataclass
class Ca:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def make_root(cn: str = "Test GRCA G1") -> Ca:
    key = _key()
    name = _name(cn, o="Test Government")
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Ca(cert, key)


def make_intermediate(root: Ca, cn: str = "Test MOICA G2") -> Ca:
    key = _key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, o="Test Ministry of the Interior"))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1800))
        .not_valid_after(NOW + timedelta(days=1800))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier("2.5.29.32.0"), None)]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), False
        )
        .sign(root.key, hashes.SHA256())
    )
    return Ca(cert, key)


def make_citizen(
    issuer: Ca,
    *,
    name: str = HOLDER_NAME,
    last4: str = HOLDER_ID[-4:],
    policy: str = LEVEL3,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_usage: str = "sign",
    key: rsa.RSAPrivateKey | None = None,
    serial: int | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = key or _key()
    if key_usage == "sign":
        ku = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    else:  # the MOICA encryption certificate: no signing
        ku = x509.KeyUsage(False, False, True, False, False, False, False, False, False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, serial="TP00000000123456"))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before or NOW - timedelta(days=365))
        .not_valid_after(not_after or NOW + timedelta(days=365 * 4))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(ku, critical=True)
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(policy), None)]),
            critical=False,
        )
        .add_extension(sda_extension(last4), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return cert, key


def make_crl(
    issuer: Ca,
    revoked: list[int],
    *,
    this_update: datetime | None = None,
    next_update: datetime | None = None,
    number: int = 1,
    signer: rsa.RSAPrivateKey | None = None,
) -> bytes:
    this_update = this_update or NOW - timedelta(hours=6)
    next_update = next_update or NOW + timedelta(days=1)
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    )
    for serial in revoked:
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(this_update - timedelta(days=1))
            .build()
        )
    return b.sign(signer or issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex().upper()


SCENARIOS = (
    "valid",
    "expired",
    "notyet",
    "revoked",
    "wrongpolicy",
    "testlevel",
    "wrongku",
    "untrusted",
    "wrongholder",
)


@dataclass
class TestPki:
    root: Ca
    intermediate: Ca
    other_root: Ca
    other_intermediate: Ca
    certs: dict[str, x509.Certificate] = field(default_factory=dict)
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)

    def crl(self, **kw: object) -> bytes:
        return make_crl(self.intermediate, [self.certs["revoked"].serial_number], **kw)  # type: ignore[arg-type]

    def arl(self, **kw: object) -> bytes:
        return make_crl(self.root, [], **kw)  # type: ignore[arg-type]

    def write_anchors(self, directory: Path) -> Path:
        """The IT-configured trust anchor directory: certificates plus the pinned fingerprints."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "grca.pem").write_bytes(self.root.pem)
        (directory / "moica.cer").write_bytes(self.intermediate.der)
        pins = [
            f"{fingerprint(self.root.cert)} Test GRCA G1",
            f"{fingerprint(self.intermediate.cert)} Test MOICA G2",
        ]
        (directory / "pins.sha256").write_text("\n".join(pins) + "\n", encoding="utf-8")
        return directory


def build_pki() -> TestPki:
    root = make_root()
    inter = make_intermediate(root)
    other_root = make_root("Rogue Root")
    other_inter = make_intermediate(other_root, "Rogue MOICA")
    pki = TestPki(root, inter, other_root, other_inter)
    # One RSA key is enough for every scenario: keygen dominates the fixture's time.
    shared = _key()
    variants: dict[str, dict[str, object]] = {
        "valid": {},
        "expired": {
            "not_before": NOW - timedelta(days=5 * 365),
            "not_after": NOW - timedelta(days=1),
        },
        "notyet": {"not_before": NOW + timedelta(days=2)},
        "revoked": {},
        "wrongpolicy": {"policy": LEVEL1},
        "testlevel": {"policy": TEST_LEVEL},
        "wrongku": {"key_usage": "encrypt"},
        "wrongholder": {"name": "陳大文", "last4": "1111"},
    }
    for label, kw in variants.items():
        cert, key = make_citizen(inter, key=shared, **kw)  # type: ignore[arg-type]
        pki.certs[label], pki.keys[label] = cert, key
    cert, key = make_citizen(other_inter, key=shared)
    pki.certs["untrusted"], pki.keys["untrusted"] = cert, key
    return pki


def init_softhsm(directory: Path, pki: TestPki) -> dict[str, str]:
    """Creates one SoftHSM2 token per scenario holding its key and certificate.

    Returns the environment (SOFTHSM2_CONF) the PKCS#11 module must see; it is also set in this
    process, since the module reads it when first loaded.
    """
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    for label in pki.certs:
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.util.rsa import encode_rsa_public_key  # noqa: F401  (import check)

    lib = pkcs11.lib(SOFTHSM_MODULE)
    for label, cert in pki.certs.items():
        key = pki.keys[label]
        nums = key.private_numbers()
        pub = nums.public_numbers
        token = lib.get_token(token_label=label)
        with token.open(rw=True, user_pin=PIN) as session:
            kid = b"\x01"
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                    Attribute.KEY_TYPE: pkcs11.KeyType.RSA,
                    Attribute.TOKEN: True,
                    Attribute.PRIVATE: True,
                    Attribute.SENSITIVE: True,
                    Attribute.SIGN: True,
                    Attribute.ID: kid,
                    Attribute.LABEL: "MOICA signing key",
                    Attribute.MODULUS: _int_bytes(pub.n),
                    Attribute.PUBLIC_EXPONENT: _int_bytes(pub.e),
                    Attribute.PRIVATE_EXPONENT: _int_bytes(nums.d),
                    Attribute.PRIME_1: _int_bytes(nums.p),
                    Attribute.PRIME_2: _int_bytes(nums.q),
                    Attribute.EXPONENT_1: _int_bytes(nums.dmp1),
                    Attribute.EXPONENT_2: _int_bytes(nums.dmq1),
                    Attribute.COEFFICIENT: _int_bytes(nums.iqmp),
                }
            )
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.ID: kid,
                    Attribute.LABEL: "MOICA signing certificate",
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                }
            )
    return env


def _int_bytes(n: int) -> bytes:
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


_SHARED: dict[str, object] = {}


def shared_pki() -> tuple[TestPki, Path]:
    """One PKI and one SoftHSM token directory per process.

    The PKCS#11 module reads SOFTHSM2_CONF once when it is first initialised, so every test
    module (integration, GUI, benchmark) in a process must share the same token directory.
    """
    if "pki" not in _SHARED:
        import atexit
        import shutil
        import tempfile

        directory = Path(tempfile.mkdtemp(prefix="eservice-softhsm-"))
        # The token's keys go with the process (the module holds the directory until then).
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        pki = build_pki()
        init_softhsm(directory, pki)
        _SHARED["pki"], _SHARED["dir"] = pki, directory
    return _SHARED["pki"], _SHARED["dir"]  # type: ignore[return-value]


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        size = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(size)]) + size
    return bytes([tag]) + head + body


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _utc(moment: datetime) -> bytes:
    return _der(0x17, moment.astimezone(UTC).strftime("%y%m%d%H%M%SZ").encode())


def big_crl(issuer: Ca, serials: list[int], this_update: datetime, next_update: datetime) -> bytes:
    """A CRL with very many entries, DER-encoded by hand: cryptography's builder copies its
    list on every addition, which makes a MOICA-sized list (~500,000 entries) take hours."""
    from cryptography.hazmat.primitives.asymmetric import padding

    revoked_at = _utc(this_update - timedelta(days=1))
    entries = b"".join(_der(0x30, _der_int(s) + revoked_at) for s in serials)
    sha256_rsa = _der(0x30, _der(0x06, bytes.fromhex("2A864886F70D01010B")) + b"\x05\x00")
    tbs = _der(
        0x30,
        _der_int(1)
        + sha256_rsa
        + issuer.cert.subject.public_bytes()
        + _utc(this_update)
        + _utc(next_update)
        + _der(0x30, entries),
    )
    signature = issuer.key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    return _der(0x30, tbs + sha256_rsa + _der(0x03, b"\x00" + signature))
