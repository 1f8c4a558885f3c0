"""Toasts: merged when repeated, bounded, expired by the time given."""
from __future__ import annotations

from engine.overlay.toasts import MAX_SHOWN, ToastBoard


def test_a_toast_shows_until_its_time_is_up():
    board = ToastBoard(3.0)
    board.push("Client connected", "info", now=10.0)
    board.expire(12.9)
    assert [t.label for t in board.toasts] == ["Client connected"]
    board.expire(13.0)
    assert board.toasts == []


def test_a_repeated_notice_is_merged_with_a_count_and_lives_on():
    board = ToastBoard(3.0)
    board.push("Bad frame", "warning", now=0.0)
    board.push("Bad frame", "warning", now=2.0)
    board.push("Bad frame", "warning", now=4.0)
    assert [t.label for t in board.toasts] == ["Bad frame (x3)"]
    board.expire(6.5)
    assert [t.label for t in board.toasts] == ["Bad frame (x3)"]


def test_a_flood_of_different_notices_keeps_only_the_newest():
    board = ToastBoard(3.0)
    for n in range(MAX_SHOWN + 7):
        board.push(f"notice {n}", "info", now=0.0)
    assert [t.text for t in board.toasts] == [f"notice {n}" for n in range(7, MAX_SHOWN + 7)]


def test_every_change_bumps_the_version_and_nothing_else_does():
    board = ToastBoard(3.0)
    versions = [board.version]
    board.push("a", "info", now=0.0)
    versions.append(board.version)
    board.push("a", "info", now=1.0)
    versions.append(board.version)
    board.expire(2.0)  # nothing expired
    versions.append(board.version)
    board.expire(5.0)
    versions.append(board.version)
    assert versions == [0, 1, 2, 2, 3]
