"""TLS with a real certificate (issue 11): `join --ca-file` pins the center's CA; sync then verifies the
hub's certificate chain and host name against it, and refuses another CA's certificate or one issued
for another name with one clear line (`tls_untrusted`), never a retry loop that looks like "offline".

A CA and server certificates are made here with cryptography.x509; the real hub process serves HTTPS
(`--certfile/--keyfile`); the desk is driven through its command line.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hubproc import free_port

from operator_desk.services.calls import CallService
from operator_desk.store.store import Store
from operator_desk.sync.client import HttpSyncClient, TlsError, tls_context

DESK = [sys.executable, "-m", "operator_desk.cli"]
SERVER = [sys.executable, "-m", "operator_desk.server.cli"]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(folder: Path, cn: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{cn.replace(' ', '_')}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_server_cert(
    folder: Path, ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate, Path], names: list[str], tag: str
) -> tuple[Path, Path]:
    ca_key, ca_cert, _ = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    alt: list[x509.GeneralName] = []
    for n in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            alt.append(x509.DNSName(n))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{tag}.crt", folder / f"{tag}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(key_path, 0o600)
    return cert_path, key_path


class TlsHub:
    """The real hub process serving HTTPS on a free loopback port."""

    def __init__(self, root: Path, cert: Path, key: Path, ca_pem: str) -> None:
        self.dir = root / "hub"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = root / "hub.log"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    *SERVER,
                    "--data-dir",
                    str(self.dir),
                    "--port",
                    str(self.port),
                    "--certfile",
                    str(cert),
                    "--keyfile",
                    str(key),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        ctx = tls_context(ca_pem)
        deadline = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            try:
                # the hub's name in its certificate is checked here too: localhost
                if (
                    httpx.get(f"https://localhost:{self.port}/health", verify=ctx, timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "hub did not start: " + self.log.read_text(
                    errors="replace"
                )
                time.sleep(0.2)

    def url(self, host: str = "localhost") -> str:
        return f"https://{host}:{self.port}"

    def enroll(self, name: str) -> str:
        out = subprocess.run(
            [*SERVER, "enroll", "--data-dir", str(self.dir), "--site", name],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return str(json.loads(out.stdout)["token"])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pki")
    center = make_ca(folder, "Banjar 112 CA")
    other = make_ca(folder, "Another CA")
    good = make_server_cert(folder, center, ["localhost", "127.0.0.1"], "hub")
    elsewhere = make_server_cert(folder, center, ["hub.banjar.example"], "elsewhere")
    return {
        "ca": center[2],
        "other_ca": other[2],
        "crt": good[0],
        "key": good[1],
        "elsewhere_crt": elsewhere[0],
        "elsewhere_key": elsewhere[1],
    }


@pytest.fixture(scope="module")
def hub(pki: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsHub]:
    h = TlsHub(tmp_path_factory.mktemp("tlshub"), pki["crt"], pki["key"], pki["ca"].read_text())
    yield h
    h.stop()


def desk_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DESK, *args], capture_output=True, text=True, timeout=120)


def one_line(res: subprocess.CompletedProcess[str]) -> str:
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]


def ring(data: Path, number: str) -> str:
    store = Store(data / "desk.sqlite")
    try:
        return CallService(store).ring(number)
    finally:
        store.close()


def test_sync_over_https_with_the_pinned_ca_and_host_name(
    hub: TlsHub, pki: dict[str, Path], tmp_path: Path
) -> None:
    data = tmp_path / "desk"
    res = desk_cli(
        "join",
        "--data-dir",
        str(data),
        "--server",
        hub.url(),
        "--token",
        hub.enroll("desk A"),
        "--ca-file",
        str(pki["ca"]),
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["ca_pinned"] is True
    call_id = ring(data, "081234500001")
    res = desk_cli("sync", "--data-dir", str(data), "--once", "--wait", "0")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.splitlines()[-1])["waiting"] == 0
    # the hub holds the call (read from its encrypted database with its key)
    from operator_desk.server.sqlite_backend import connect_hub

    conn = connect_hub(hub.dir)
    try:
        assert (
            conn.execute("SELECT count(*) FROM log WHERE tbl='calls' AND pk=?", (call_id,)).fetchone()[0] > 0
        )
    finally:
        conn.close()
    # and the desk's own client, built the way the desk builds it, talks to it through the pin
    store = Store(data / "desk.sqlite")
    try:
        from operator_desk.sync.cli import credentials, hub_verify

        url, token = credentials(store)
        client = HttpSyncClient(url, token, verify=hub_verify(store))
        try:
            assert client.status()
        finally:
            client.close()
    finally:
        store.close()


def test_a_certificate_of_another_ca_is_refused(hub: TlsHub, pki: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "desk"
    res = desk_cli(
        "join",
        "--data-dir",
        str(data),
        "--server",
        hub.url(),
        "--token",
        hub.enroll("desk B"),
        "--ca-file",
        str(pki["other_ca"]),
    )
    assert res.returncode == 0, res.stderr
    ring(data, "081234500002")
    res = desk_cli("sync", "--data-dir", str(data), "--once", "--wait", "0")
    assert res.returncode == 3
    line = one_line(res)
    assert "tls_untrusted" in line and "certificate" in line, line
    # nothing was sent: the change still waits in the outbox
    store = Store(data / "desk.sqlite")
    try:
        assert store.query("SELECT count(*) FROM outbox WHERE pushed=0")[0][0] > 0
    finally:
        store.close()


def test_without_a_pin_the_system_store_does_not_trust_the_center_ca(hub: TlsHub, tmp_path: Path) -> None:
    data = tmp_path / "desk"
    res = desk_cli("join", "--data-dir", str(data), "--server", hub.url(), "--token", hub.enroll("desk C"))
    assert res.returncode == 0 and json.loads(res.stdout)["ca_pinned"] is False
    res = desk_cli("sync", "--data-dir", str(data), "--once", "--wait", "0")
    assert res.returncode == 3 and "tls_untrusted" in one_line(res)


def test_a_certificate_for_another_host_name_is_refused(pki: dict[str, Path], tmp_path: Path) -> None:
    ca_pem = pki["ca"].read_text()
    other = subprocess.Popen(
        [
            *SERVER,
            "--data-dir",
            str(tmp_path / "hub2"),
            "--port",
            str(port := free_port()),
            "--certfile",
            str(pki["elsewhere_crt"]),
            "--keyfile",
            str(pki["elsewhere_key"]),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = HttpSyncClient(f"https://localhost:{port}", "x.y", verify=tls_context(ca_pem), timeout=2)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.status()
                    raise AssertionError("a certificate for hub.banjar.example was accepted for localhost")
                except TlsError as exc:
                    assert "hostname" in str(exc).lower() or "match" in str(exc).lower(), exc
                    break
                except Exception:  # not listening yet  # noqa: BLE001
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
        finally:
            client.close()
    finally:
        other.terminate()
        other.wait(10)


def test_join_refuses_a_bad_ca_file_or_a_pin_over_plain_http(tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    res = desk_cli(
        "join",
        "--data-dir",
        str(tmp_path / "d1"),
        "--server",
        "https://hub:8112",
        "--token",
        "site.secret",
        "--ca-file",
        str(bad),
    )
    assert res.returncode != 0 and "--ca-file" in one_line(res)
    res = desk_cli(
        "join",
        "--data-dir",
        str(tmp_path / "d2"),
        "--server",
        "https://hub:8112",
        "--token",
        "site.secret",
        "--ca-file",
        str(tmp_path / "missing.pem"),
    )
    assert res.returncode != 0 and "cannot read" in one_line(res)
    good = tmp_path / "good"
    good.mkdir()
    ca = make_ca(good, "Banjar 112 CA")
    res = desk_cli(
        "join",
        "--data-dir",
        str(tmp_path / "d3"),
        "--server",
        "http://hub:8112",
        "--token",
        "site.secret",
        "--ca-file",
        str(ca[2]),
    )
    assert res.returncode != 0 and "https://" in one_line(res)
    res = desk_cli(
        "join",
        "--data-dir",
        str(tmp_path / "d4"),
        "--server",
        "https://hub:8112",
        "--token",
        "site.secret",
        "--ca-file",
        str(ca[2]),
    )
    assert res.returncode == 0 and json.loads(res.stdout)["ca_pinned"] is True
