"""Installs the Qt translator for the chosen language."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ..i18n import pick_language, translations_dir

_keep: list[QTranslator] = []


def install_translator(app: QApplication, lang: str | None) -> str:
    """Load resources/translations/operator_desk_<lang>.qm; returns the language in use."""
    chosen = pick_language(lang)
    if chosen == "en":
        return chosen
    tr = QTranslator(app)
    qm = translations_dir() / f"operator_desk_{chosen}.qm"
    if not tr.load(str(qm)):
        raise FileNotFoundError(f"translation missing: {qm}")
    app.installTranslator(tr)
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    _keep.append(tr)
    return chosen
