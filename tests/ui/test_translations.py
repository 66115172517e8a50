"""Every user-visible string is translated into Indonesian, and every domain code has a name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from operator_desk.domain.enums import CallOutcome, IncidentCategory, IncidentStatus, Priority
from operator_desk.i18n import translations_dir
from operator_desk.ui import labels

ROOT = Path(__file__).resolve().parents[2]


def _i18n():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_untranslated_string() -> None:
    problems = _i18n().check("id")
    assert problems == [], "\n".join(problems[:20])


@pytest.fixture
def indonesian(qapp):  # type: ignore[no-untyped-def]
    tr = QTranslator()
    assert tr.load(str(translations_dir() / "operator_desk_id.qm"))
    QCoreApplication.installTranslator(tr)
    yield
    QCoreApplication.removeTranslator(tr)


def test_every_code_has_an_indonesian_name(indonesian) -> None:  # type: ignore[no-untyped-def]
    for fn, codes in ((labels.outcome, CallOutcome), (labels.category, IncidentCategory),
                      (labels.status, IncidentStatus), (labels.priority, Priority)):
        for code in codes:
            name = fn(str(code))
            assert name and name != str(code), f"{fn.__name__}({code}) has no name"
    assert labels.outcome("prank") == "Iseng"
    assert labels.category("fire") == "Kebakaran"
