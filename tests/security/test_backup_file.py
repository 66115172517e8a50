"""A backup file is hostile input to `operator-desk restore`: each bad file gets one clear line naming
the problem, a non-zero exit, and nothing is written (no data dir, no staging folder left behind)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from operator_desk.services.backup import backup, restore
from operator_desk.services.calls import CallService
from operator_desk.store.store import Store

DESK = [sys.executable, "-m", "operator_desk.cli"]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real backup of a desk with two calls and one recording."""
    root = tmp_path_factory.mktemp("good")
    data = root / "desk"
    store = Store(data / "desk.sqlite")
    svc = CallService(store)
    for i in range(2):
        svc.close(svc.ring(f"08120000{i:04d}"), "ghost")
    store.close()
    (data / "recordings").mkdir()
    (data / "recordings" / "20261204T010203Z_a.flac").write_bytes(b"fLaC" + b"\0" * 1000)
    out = root / "good.tar"
    backup(data, out)
    return out


def _members(path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path) as tar:
        out = []
        for m in tar:
            f = tar.extractfile(m)
            out.append((m, f.read() if f else b""))
        return out


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, body in members:
            if info.isreg():
                info.size = len(body)
                tar.addfile(info, io.BytesIO(body))
            else:
                tar.addfile(info)


def _manifest(members: list[tuple[tarfile.TarInfo, bytes]]) -> dict:  # type: ignore[type-arg]
    return json.loads(members[0][1])


def _with_manifest(members: list[tuple[tarfile.TarInfo, bytes]], manifest: dict) -> list:  # type: ignore[type-arg]
    info = tarfile.TarInfo("manifest.json")
    return [(info, json.dumps(manifest).encode()), *members[1:]]


def _cut(good: Path, out: Path) -> None:
    out.write_bytes(good.read_bytes()[: good.stat().st_size // 2])


def _bad_checksum(good: Path, out: Path) -> None:
    ms = _members(good)
    name = ms[1][0].name
    body = bytearray(ms[1][1])
    body[len(body) // 2] ^= 0xFF  # one flipped byte in the store copy
    _write(out, [ms[0], (ms[1][0], bytes(body)), *ms[2:]])
    assert name == "desk.sqlite"


def _traversal(good: Path, out: Path) -> None:
    ms = _members(good)
    evil = tarfile.TarInfo("recordings/../../evil.txt")
    body = b"owned"
    man = _manifest(ms)
    man["files"].append({"name": evil.name, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()})
    _write(out, [*_with_manifest(ms, man), (evil, body)])


def _absolute(good: Path, out: Path) -> None:
    ms = _members(good)
    evil = tarfile.TarInfo("/tmp/evil-absolute.txt")
    _write(out, [*ms, (evil, b"owned")])


def _symlink(good: Path, out: Path) -> None:
    ms = _members(good)
    link = tarfile.TarInfo("recordings/link.flac")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    _write(out, [*ms, (link, b"")])


def _huge(good: Path, out: Path) -> None:
    """The manifest and the member header both claim 50 TB (the data is not there)."""
    ms = _members(good)
    man = _manifest(ms)
    huge = 50 * 10**12
    man["files"].append({"name": "recordings/huge.flac", "size": huge, "sha256": "0" * 64})
    with open(out, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, body in _with_manifest(ms, man):
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        info = tarfile.TarInfo("recordings/huge.flac")
        info.size = huge
        raw.write(info.tobuf(format=tarfile.PAX_FORMAT))  # a header, no data
        raw.write(b"\0" * 1024)


def _not_a_backup(good: Path, out: Path) -> None:
    out.write_bytes(b"PK\x03\x04 this is a zip, or anything else\n" * 50)


def _other_tar(good: Path, out: Path) -> None:
    info = tarfile.TarInfo("manifest.json")
    _write(out, [(info, b'{"format": "something-else", "version": 1, "files": []}')])


def _unlisted(good: Path, out: Path) -> None:
    ms = _members(good)
    _write(out, [*ms, (tarfile.TarInfo("recordings/extra.flac"), b"fLaC")])


CASES: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "truncated": (_cut, "truncated"),
    "wrong checksum": (_bad_checksum, "does not match its checksum"),
    "path traversal": (_traversal, "path traversal"),
    "absolute path": (_absolute, "path traversal"),
    "symlink member": (_symlink, "not a regular file"),
    "huge member": (_huge, "claims 50000000000000 bytes, more than the file holds"),
    "not a backup": (_not_a_backup, "not an Operator Desk backup"),
    "another tar": (_other_tar, "not an Operator Desk backup"),
    "unlisted member": (_unlisted, "differ from the manifest"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_backup_is_refused_with_one_line_and_nothing_written(
    good: Path, tmp_path: Path, case: str
) -> None:
    make, pattern = CASES[case]
    bad = tmp_path / "bad.tar"
    make(good, bad)
    (tmp_path / "bad.tar.key").write_bytes((Path(str(good) + ".key")).read_bytes())
    target = tmp_path / "restored"
    out = subprocess.run(
        [*DESK, "restore", str(bad), "--data-dir", str(target)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    import re

    assert re.search(pattern, lines[0]), lines[0]
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tar", "bad.tar.key"]  # no staging left
    assert not Path("/tmp/evil-absolute.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_the_good_backup_restores_and_a_wrong_key_is_refused(good: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.key"
    wrong.write_text("11" * 32 + "\n")
    with pytest.raises(ValueError, match="does not belong to this backup"):
        restore(good, tmp_path / "x", key_file=wrong)
    assert not (tmp_path / "x").exists()
    out = restore(good, tmp_path / "ok")
    assert out["files"] == 2 and (tmp_path / "ok" / "recordings" / "20261204T010203Z_a.flac").exists()
    with pytest.raises(ValueError, match="not empty"):
        restore(good, tmp_path / "ok")
