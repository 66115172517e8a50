"""F1 lists every key of the desk: each QAction and QShortcut of the window, the form's Alt+letter
buttons and the referral board's keys — so a key added later cannot be forgotten in the help."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from operator_desk.app import Desk
from operator_desk.ui.referral_board import ReferralBoard

PORTABLE = QKeySequence.SequenceFormat.PortableText


def _listed(desk: Desk) -> list[QKeySequence]:
    return [QKeySequence(k, PORTABLE) for k, _t in desk.window.keys_help()]


def _in_help(seq: QKeySequence, listed: list[QKeySequence]) -> bool:
    return any(seq.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in listed)


def _window_keys(desk: Desk) -> list[tuple[str, list[QKeySequence]]]:
    """(what, its shortcuts) for every key registered in the window."""
    keys: list[tuple[str, list[QKeySequence]]] = []
    for act in desk.window.findChildren(QAction):
        if act.shortcuts():
            keys.append((act.objectName() or act.text(), act.shortcuts()))
    for sc in desk.window.findChildren(QShortcut):
        keys.append((sc.objectName() or "QShortcut", [sc.key()]))
    for button in desk.window.form.findChildren(QAbstractButton):
        mnemonic = QKeySequence.mnemonic(button.text())
        if not mnemonic.isEmpty():
            keys.append((button.text(), [mnemonic]))
    return keys


def test_every_key_of_the_window_is_in_f1(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    listed = _listed(desk)
    keys = _window_keys(desk)
    assert len(keys) >= 12  # F1, F2, F5-F9, Ctrl+Enter, Ctrl+R, Ctrl+F, Ctrl+L, the training keys, Alt+A/N
    missing = [what for what, seqs in keys if not any(_in_help(s, listed) for s in seqs)]
    assert missing == [], f"keys not in keys_help: {missing}"
    for key in (
        "F1",
        "F2",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "Ctrl+Enter",
        "Ctrl+R",
        "Ctrl+F",
        "Ctrl+L",
        "Alt+A",
        "Alt+N",
    ):
        assert _in_help(QKeySequence(key, PORTABLE), listed), key
    board_keys = {k for k, _t in ReferralBoard.keys_help()}
    assert board_keys and board_keys <= {k for k, _t in desk.window.keys_help()}
    silent = [k for k, t in desk.window.keys_help() if not t]
    assert silent == [], f"keys without a description (QShortcut.setWhatsThis or a keys_help entry): {silent}"
    assert not any("&" in t for _k, t in desk.window.keys_help())  # no mnemonic marks in the words


def test_a_key_added_later_shows_in_f1_by_itself(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    seq = QKeySequence("Ctrl+Shift+F11")
    assert not _in_help(seq, _listed(desk))
    act = QAction("Ke&ep this call", desk.window)
    act.setShortcut(seq)
    desk.window.addAction(act)
    sc = QShortcut(QKeySequence("Ctrl+Shift+F12"), desk.window)
    sc.setWhatsThis("Next ringing call")
    helped = dict(desk.window.keys_help())
    assert helped["Ctrl+Shift+F11"] == "Keep this call" and helped["Ctrl+Shift+F12"] == "Next ringing call"


def test_f1_shows_the_keys_without_blocking_the_desk(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    press(Qt.Key.Key_F1)
    box = desk.window.findChild(QMessageBox, "keysHelp")
    assert box is not None and box.isVisible() and not box.isModal()
    for key, text in desk.window.keys_help():
        assert escape(key) in box.text() and escape(text) in box.text()
    assert QApplication.activeModalWidget() is None
    box.close()
