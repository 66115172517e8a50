"""Installs the Qt translators for the chosen language: the desk's own strings and Qt's.

Two files per language in resources/translations:
- operator_desk_<lang>.qm: every string of the desk (extracted by `scripts/i18n.py update`);
- qt_extra_<lang>.qm: Qt's own texts the desk shows (the standard buttons Save/Cancel/Yes/No/OK/Close
  of QDialogButtonBox and QMessageBox, the edit menus of line and text edits). PySide6 ships no
  qtbase_id.qm, so without it those stay English on an Indonesian desk.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ..i18n import pick_language, translations_dir

QM_FILES = ("operator_desk_{lang}.qm", "qt_extra_{lang}.qm")
_keep: list[QTranslator] = []
_locale_before: list[QLocale] = []


def install_translator(app: QApplication | QCoreApplication, lang: str | None) -> str:
    """Load the language's .qm files (FileNotFoundError naming the missing one); returns the language in use."""
    chosen = pick_language(lang)
    if chosen == "en":
        return chosen
    loaded = []
    for pattern in QM_FILES:
        tr = QTranslator(app)
        qm = translations_dir() / pattern.format(lang=chosen)
        if not tr.load(str(qm)):
            raise FileNotFoundError(f"translation missing: {qm}")
        loaded.append(tr)
    for tr in loaded:
        app.installTranslator(tr)
        _keep.append(tr)
    if not _locale_before:
        _locale_before.append(QLocale())
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    return chosen


def uninstall_translators(app: QApplication | QCoreApplication) -> None:
    """Back to English and the previous default locale (tests that switch language for one test)."""
    while _keep:
        tr = _keep.pop()
        app.removeTranslator(tr)
    if _locale_before:
        QLocale.setDefault(_locale_before.pop())
