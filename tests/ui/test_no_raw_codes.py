"""No raw code and no English Qt button on any screen of the Indonesian desk at 1366x768.

The real desk (demo data, an admin logged in, Indonesian translators as `operator-desk --lang id` loads
them), every dock shown in turn, every dialog the menus open, F1, a ringing call and the incident form
after F9. Every visible text is read: labels, buttons, group boxes, tabs, window and dock titles, combo
items, menus, line-edit placeholders, the status bar, and the headers and DISPLAY data of every item
view's model. None may equal a code of domain/enums.py or an ErrorCode (nor carry a snake_case code
inside, like "Tidak dapat memulai shift: no_operator"), nor an untranslated Qt button label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as QtGuiNs
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTabBar,
    QWidget,
)

from operator_desk.app import Desk, create_desk
from operator_desk.domain import enums
from operator_desk.domain.errors import ErrorCode
from operator_desk.ui.translate import install_translator, uninstall_translators

QT_ENGLISH = {
    "Save",
    "Cancel",
    "OK",
    "Yes",
    "No",
    "Close",
    "Discard",
    "Apply",
    "Reset",
    "Open",
    "Help",
    "Save All",
    "Retry",
    "Ignore",
    "Abort",
    "Restore Defaults",
    "Close without Saving",
    "Undo",
    "Redo",
    "Cut",
    "Copy",
    "Paste",
    "Delete",
    "Select All",
}
# Codes whose Indonesian word is the same: "P1" is what an Indonesian operator says too; "operator",
# "simulator" are Indonesian words (KBBI); WhatsApp is a name.
SAME_IN_BOTH = {str(p) for p in enums.Priority} | {"operator", "simulator", "whatsapp"}


def _codes() -> set[str]:
    codes = {
        str(m)
        for cls in vars(enums).values()
        if isinstance(cls, type) and issubclass(cls, StrEnum) and cls is not StrEnum
        for m in cls
    }
    return (codes | {str(c) for c in ErrorCode}) - SAME_IN_BOTH


CODES = _codes()
SNAKE_CODES = {c for c in CODES if "_" in c}


def _plain(text: str) -> str:
    if QtGuiNs.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def problems_of(text: str) -> list[str]:
    """Why `text` must not be on an Indonesian screen ([] when it may)."""
    t = _plain(text)
    if not t:
        return []
    found = []
    if t.lower() in CODES:
        found.append("raw code")
    if t in QT_ENGLISH:
        found.append("untranslated Qt label")
    inner = SNAKE_CODES.intersection(re.findall(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", t))
    if inner and t.lower() not in CODES:
        found.append(f"code inside: {sorted(inner)}")
    return found


def test_the_rules_see_what_they_must() -> None:
    assert problems_of("fire") and problems_of("traffic_accident") and problems_of("disaster")
    assert problems_of("&Save") and problems_of("Cancel") and problems_of("<b>OK</b>")
    assert problems_of("Tidak dapat memulai shift: no_operator")
    assert not problems_of("Kebakaran") and not problems_of("P1") and not problems_of("mis. sip:10.0.0.5")


def _model_texts(view: QAbstractItemView, limit: int = 150) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    try:
        cols = model.columnCount(QModelIndex())
    except TypeError:  # a list model whose columnCount is not public in the binding
        cols = 1
    for c in range(cols):
        yield str(model.headerData(c, Qt.Orientation.Horizontal) or "")

    def rows(parent: QModelIndex, depth: int) -> Iterator[str]:
        for r in range(min(model.rowCount(parent), limit)):
            for c in range(max(cols, 1)):
                idx = model.index(r, c, parent)
                value = model.data(idx, Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    yield str(value)
            if depth < 2:
                yield from rows(model.index(r, 0, parent), depth + 1)

    yield from rows(QModelIndex(), 0)


def _texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) of every visible text of `widget` and its visible children."""
    yield widget.objectName() or type(widget).__name__, widget.windowTitle() if widget.isWindow() else ""
    for w in [widget, *widget.findChildren(QWidget)]:
        if w is not widget and not w.isVisibleTo(widget):
            continue
        where = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, QLabel | QAbstractButton):
            yield where, w.text()
        elif isinstance(w, QGroupBox):
            yield where, w.title()
        elif isinstance(w, QTabBar):
            yield from ((where, w.tabText(i)) for i in range(w.count()))
        elif isinstance(w, QDockWidget):
            yield where, w.windowTitle()
        elif isinstance(w, QComboBox):
            yield from ((where, w.itemText(i)) for i in range(w.count()))
        elif isinstance(w, QLineEdit):
            yield where, w.placeholderText()
        elif isinstance(w, QMenu):
            yield from ((where, a.text()) for a in w.actions())
        if isinstance(w, QAbstractItemView):
            yield from ((where, t) for t in _model_texts(w))
        if isinstance(w, QMainWindow):
            for a in w.menuBar().actions():
                yield "menubar", a.text()
                if a.menu() is not None:
                    yield from ((f"menu {a.text()}", b.text()) for b in a.menu().actions())
            yield "statusbar", w.statusBar().currentMessage()


def _bad(widget: QWidget) -> list[str]:
    return [
        f"{where}: {text!r} ({', '.join(why)})"
        for where, text in _texts(widget)
        for why in [problems_of(text)]
        if why
    ]


@pytest.fixture
def desk_id(qtbot, tmp_path: Path, banjar_dir: Path, monkeypatch) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert app is not None
    install_translator(app, "id")
    opened: list[QDialog] = []

    def exec_(self: QDialog) -> int:  # the menus' modal dialogs open without blocking the test
        opened.append(self)
        self.show()
        return 0

    monkeypatch.setattr(QDialog, "exec", exec_)
    d = create_desk(
        tmp_path / "data", region=banjar_dir, call_source="simulator", operator="Admin", demo=True
    )
    from operator_desk.services.accounts import ensure_demo_accounts

    ensure_demo_accounts(d.store)
    d.core.set_operator("Admin")  # an admin: the accounts dialog opens with its list
    d.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(d.window)
    d.window.resize(1366, 768)
    d.window.show()
    qtbot.waitExposed(d.window)
    d.settle()
    try:
        yield d
    finally:
        for dialog in opened:
            dialog.close()
        d.close()
        uninstall_translators(app)


def _conflict_on_codes(desk: Desk) -> None:
    """Two sync conflicts whose values are codes, as the hub writes them after two edits."""
    import json

    inc = desk.store.query("SELECT id FROM incidents LIMIT 1")[0][0]
    call = desk.store.query("SELECT id FROM calls LIMIT 1")[0][0]

    def job(conn: Any) -> None:
        for cid, tbl, pk, col, old, new in (
            ("c1", "incidents", inc, "category", "fire", "traffic_accident"),
            ("c2", "calls", call, "outcome", "prank", "emergency"),
        ):
            conn.execute(
                "INSERT INTO conflicts (id, tbl, pk, col, local_value, local_hlc, local_site, remote_value,"
                " remote_hlc, remote_site, detected_at) VALUES (?,?,?,?,?,'0000000000001-00000','s1',?,"
                "'0000000000002-00000','s2',?)",
                (cid, tbl, pk, col, json.dumps(old), json.dumps(new), desk.store.now_ms()),
            )

    desk.store.raw_write(job)


def _action(desk: Desk, name: str) -> Any:
    from PySide6.QtGui import QAction

    act = desk.window.findChild(QAction, name)
    assert act is not None, name
    return act


def test_no_raw_code_nor_english_qt_label_on_the_indonesian_desk(qtbot, desk_id: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, window = desk_id, desk_id.window
    bad: list[str] = []
    if "Operator Desk" in window.windowTitle():
        bad.append(f"window title: {window.windowTitle()!r} (English)")
    for name, dock in window.docks.items():  # each dock in turn (the bottom ones are tabs)
        dock.show()
        dock.raise_()
        desk.settle()
        qtbot.wait(50)
        desk.settle()
        bad += [f"[{name}] {b}" for b in _bad(window)]
    desk.simulator.ring("0812-3456-7890")
    desk.settle()
    bad += [f"[ringing] {b}" for b in _bad(window)]
    qtbot.keyClick(window, Qt.Key.Key_F9)
    desk.settle()
    window.form.save()  # the empty form's errors are shown too
    desk.settle()
    bad += [f"[F9] {b}" for b in _bad(window)]

    _conflict_on_codes(desk)  # the conflicts dialog then shows a category and a status conflict
    for name in ("actSettings", "actAgencies", "actConflicts", "actSyncProblems", "actAccounts"):
        before = set(QApplication.topLevelWidgets())
        _action(desk, name).trigger()
        desk.settle()
        qtbot.wait(50)
        desk.settle()
        new = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
        assert new, f"{name} opened no dialog"
        for dialog in new:
            dialog.resize(min(dialog.width(), 1366), min(dialog.height(), 768))
            bad += [f"[{name}] {b}" for b in _bad(dialog)]
            dialog.close()
    keys = dict(window.keys_help())
    assert "Alt+G" in keys and "Alt+A" not in keys  # the form's Alt keys follow the Indonesian labels
    window.show_keys()
    box = [w for w in QApplication.topLevelWidgets() if w.objectName() == "keysHelp" and w.isVisible()]
    assert box
    bad += [f"[F1] {b}" for b in _bad(box[0])]
    box[0].close()
    before = set(QApplication.topLevelWidgets())
    window.logout_action.trigger()  # the log-in dialog for the next operator
    desk.settle()
    login = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert login, "log out showed no log-in dialog"
    for dialog in login:
        bad += [f"[log-in] {b}" for b in _bad(dialog)]
    assert bad == [], "\n".join(bad)


def test_qt_standard_buttons_speak_indonesian(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    app = QApplication.instance()
    assert app is not None
    SB = QDialogButtonBox.StandardButton
    box = QDialogButtonBox(
        SB.Save | SB.Cancel | SB.Close | SB.Discard | SB.Apply | SB.Reset | SB.Open | SB.Help
    )
    qtbot.addWidget(box)
    english = sorted(b.text() for b in box.buttons())
    install_translator(app, "id")
    try:
        box = QDialogButtonBox(
            SB.Save | SB.Cancel | SB.Close | SB.Discard | SB.Apply | SB.Reset | SB.Open | SB.Help
        )
        qtbot.addWidget(box)
        texts = sorted(_plain(b.text()) for b in box.buttons())
        assert texts == sorted(
            ["Simpan", "Batal", "Tutup", "Buang", "Terapkan", "Atur ulang", "Buka", "Bantuan"]
        )
        msg = QMessageBox(
            QMessageBox.Icon.Question,
            "x",
            "y",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Ok,
        )
        qtbot.addWidget(msg)
        assert sorted(_plain(b.text()) for b in msg.buttons()) == ["Oke", "Tidak", "Ya"]
    finally:
        uninstall_translators(app)
    assert "Save" in english  # and back in English once the translators are removed
    again = QDialogButtonBox(
        SB.Save | SB.Cancel | SB.Close | SB.Discard | SB.Apply | SB.Reset | SB.Open | SB.Help
    )
    qtbot.addWidget(again)
    assert sorted(b.text() for b in again.buttons()) == english


def test_i18n_check_covers_the_qt_extra_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib.util
    import shutil

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("i18n_script_w16", root / "scripts" / "i18n.py")
    assert spec and spec.loader
    i18n = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(i18n)
    for name in ("operator_desk_id.ts", "operator_desk_id.qm", "qt_extra_id.ts", "qt_extra_id.qm"):
        shutil.copy(root / "resources" / "translations" / name, tmp_path / name)
    monkeypatch.setattr(i18n, "TS_DIR", tmp_path)
    assert not [p for p in i18n.check("id") if "qt_extra" in p or "QPlatformTheme" in p]
    extra = tmp_path / "qt_extra_id.ts"
    extra.write_text(
        extra.read_text(encoding="utf-8").replace(
            "<translation>Simpan</translation>", '<translation type="unfinished"></translation>'
        ),
        encoding="utf-8",
    )
    problems = i18n.check("id")
    assert "QPlatformTheme: 'Save' (unfinished)" in problems
    assert "qt_extra_id.qm is older than qt_extra_id.ts (run scripts/i18n.py release)" in problems
    before = extra.read_bytes()
    i18n.update(tmp_path / "operator_desk_id.ts", "id")  # lupdate -no-obsolete over the desk's own .ts only
    assert extra.read_bytes() == before
    assert (tmp_path / "qt_extra_id.qm").exists()
    i18n.release("id")
    assert not [p for p in i18n.check("id") if "qt_extra_id.qm" in p]
