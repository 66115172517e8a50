"""Typed settings: defaults, round trip, atomic save, errors that name the file and the key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from operator_desk import settings as st
from operator_desk.telephony.sip.config import SipConfig


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    s = st.load(tmp_path)
    assert s == st.DeskSettings()
    assert s.call_source == "manual" and s.schema_version == st.SCHEMA_VERSION


def test_round_trip(tmp_path: Path) -> None:
    s = st.DeskSettings(
        call_source="sip",
        sip=st.SipSettings(registrar="sip:10.0.0.5", user="desk2", password="rahasia", port=5072),
        audio=st.AudioSettings(ring_device="Speakers", headset_input="USB Headset", ring_volume=0.5),
    )
    path = st.save(s, tmp_path)
    assert path == tmp_path / "settings.toml"
    assert st.load(tmp_path) == s
    text = path.read_text()
    assert "[sip]" in text and 'registrar = "sip:10.0.0.5"' in text
    assert "headset_output" not in text  # None is left out (TOML has no null)


def test_save_is_atomic_and_leaves_no_temp(tmp_path: Path) -> None:
    st.save(st.DeskSettings(call_source="simulator"), tmp_path)
    st.save(st.DeskSettings(call_source="sip"), tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]
    assert st.load(tmp_path).call_source == "sip"


def test_save_refuses_invalid(tmp_path: Path) -> None:
    with pytest.raises(st.SettingsError, match="sip.port"):
        st.save(st.DeskSettings(sip=st.SipSettings(port=70000)), tmp_path)
    assert not (tmp_path / "settings.toml").exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('call_source = "fax"\n', "call_source"),
        ('[sip]\nport = "5060"\n', "sip.port"),
        ("[sip]\nprot = 5060\n", "sip.prot"),
        ("[audio]\nring_volume = 3\n", "audio.ring_volume"),
        ("[audio]\nheadset_input = true\n", "audio.headset_input"),
        ("schema_version = 99\n", "schema_version"),
        ("colour = 1\n", "colour"),
        ("sip = 3\n", "sip"),
        ("[sip\nport=1", "(file)"),
    ],
)
def test_bad_file_names_file_and_key(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(body)
    with pytest.raises(st.SettingsError) as info:
        st.load(tmp_path)
    assert info.value.key == key
    assert str(path) in str(info.value) and key in str(info.value)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_bytes(b'call_source = "\xff"\n')
    with pytest.raises(st.SettingsError, match="UTF-8"):
        st.load(tmp_path)


def test_sip_fields_mirror_sip_config() -> None:
    ours = {f.name: f.default for f in dataclasses.fields(st.SipSettings)}
    theirs = {f.name: f.default for f in dataclasses.fields(SipConfig) if f.name != "recordings_dir"}
    assert ours == theirs


def test_sip_config(tmp_path: Path) -> None:
    s = st.DeskSettings(
        sip=st.SipSettings(registrar="sip:127.0.0.1:5060", password="x", input_device=3),
        audio=st.AudioSettings(headset_output="Headset"),
    )
    cfg = st.sip_config(s, tmp_path)
    assert isinstance(cfg, SipConfig)
    assert cfg.recordings_dir == str(tmp_path / "recordings")
    assert cfg.registrar == "sip:127.0.0.1:5060" and cfg.password == "x"
    assert cfg.input_device == 3  # no [audio] override
    assert cfg.output_device == "Headset"
    assert SipConfig.from_json(cfg.to_json()) == cfg
