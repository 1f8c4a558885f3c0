"""The server-mode link with real clients on loopback."""
from __future__ import annotations

import json
import queue
import threading

import pytest
import websocket
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from engine.link.inbox import Backlog, LinkNotice, Received
from engine.link.server import LinkServer
from engine.settings.config import LinkConfig


@pytest.fixture
def link():
    made = []

    def start(**settings) -> tuple[LinkServer, queue.Queue, Backlog]:
        inbox: queue.Queue = queue.Queue()
        backlog = Backlog(settings.pop("queue_limit", 100))
        server = LinkServer(LinkConfig(port=0, **settings), inbox, backlog)
        server.start()
        made.append(server)
        return server, inbox, backlog
    yield start
    for server in made:
        server.stop()


def received(inbox: queue.Queue, timeout: float = 5.0) -> Received:
    while True:
        item = inbox.get(timeout=timeout)
        if isinstance(item, Received):
            return item


def test_valid_message_reaches_the_inbox_and_notices_are_sent(link):
    server, inbox, backlog = link()
    assert server.url.startswith("ws://127.0.0.1:") and server.url.endswith("/ws")
    ws = websocket.create_connection(server.url, timeout=5)
    ws.send(json.dumps({"text": "Hi there.", "role": "assistant", "emotion": "happy", "id": 7}))
    ws.close()
    items = []
    while not any(isinstance(i, LinkNotice) and i.text.startswith("Client left") for i in items):
        items.append(inbox.get(timeout=5))
    messages = [i.message for i in items if isinstance(i, Received)]
    assert [(m.text, m.emotion, m.message_id) for m in messages] == [("Hi there.", "happy", "7")]
    assert backlog.taken == 1
    notices = [i.text for i in items if isinstance(i, LinkNotice)]
    assert notices[0].startswith("Listening on ws://127.0.0.1:")
    assert notices[1:] == ["Client connected (1 connected)", "Client left (0 connected)"]


def test_other_paths_get_404(link):
    server, _, _ = link()
    with pytest.raises(InvalidStatus) as refused:
        connect(server.url.replace("/ws", "/other"))
    assert refused.value.response.status_code == 404
    with connect(server.url + "?x=1"):
        pass  # a query string does not change the path


def test_session_ready_comes_first_with_capabilities(link):
    server, _, _ = link()
    with connect(server.url) as ws:
        ready = json.loads(ws.recv(timeout=5))
    assert ready["version"] == "2" and ready["type"] == "session.ready"
    assert ready["payload"]["capabilities"]["protocolVersions"] == ["1", "2"]


def test_error_reply_then_the_next_frame_still_works(link):
    server, inbox, _ = link()
    with connect(server.url) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "session.ready"
        ws.send("{broken")
        assert json.loads(ws.recv(timeout=5))["code"] == "invalid_json"
        ws.send(json.dumps({"role": "assistant"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "error", "code": "missing_field",
                                                  "message": "field 'text' is required"}
        ws.send(json.dumps({"text": "ok", "role": "assistant", "emotion": "grumpy"}))
        warning = json.loads(ws.recv(timeout=5))
        assert warning["type"] == "warning" and warning["field"] == "emotion"
        assert received(inbox).message.text == "ok"


def test_binary_frames_close_with_1003_and_big_frames_with_1009(link):
    server, _, _ = link(max_frame_bytes=1024)
    with connect(server.url) as ws:
        ws.recv(timeout=5)  # session.ready
        ws.send(b"\x00\x01")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd.code == 1003
    with connect(server.url, max_size=None) as ws:
        ws.recv(timeout=5)  # session.ready
        ws.send(json.dumps({"text": "x" * 2000, "role": "assistant"}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd.code == 1009


def test_queue_full_is_refused_with_its_code(link):
    server, inbox, backlog = link(queue_limit=2)
    with connect(server.url) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "session.ready"
        for n in range(3):
            ws.send(json.dumps({"text": f"line {n}", "role": "assistant"}))
        reply = json.loads(ws.recv(timeout=5))
        assert reply["code"] == "queue_full"
    assert [received(inbox).message.text for _ in range(2)] == ["line 0", "line 1"]
    backlog.give_back()
    with connect(server.url) as ws:
        ws.send(json.dumps({"text": "after", "role": "assistant"}))
        assert received(inbox).message.text == "after"


def test_stop_closes_clients_with_1001_and_leaves_no_thread(link):
    before = set(threading.enumerate())
    server, _, _ = link()
    clients = [connect(server.url, legacy=True) for _ in range(5)]
    for client in clients:
        assert json.loads(client.recv(timeout=5))["type"] == "session.ready"
    server.stop()
    for client in clients:
        with pytest.raises(ConnectionClosed) as closed:
            client.recv(timeout=5)
        assert closed.value.rcvd.code == 1001
        client.close()
    left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert left == []


def test_port_in_use_fails_at_start(link):
    server, _, _ = link()
    with pytest.raises(OSError):
        LinkServer(LinkConfig(port=server.port), queue.Queue(), Backlog(1)).start()


def test_peers_lists_the_bots_with_their_origin_connected_and_left(link):
    """For the control window: who is connected, from where, with which Origin."""
    from support.timing import wait_for

    server, inbox, backlog = link()
    with connect(server.url) as program, connect(server.url, origin="http://localhost:5173") as page:
        program.send(json.dumps({"text": "a", "role": "assistant"}))
        page.send(json.dumps({"text": "b", "role": "assistant"}))
        received(inbox), received(inbox)
        peers = server.peers()
        assert sorted((p.origin or "", p.connected) for p in peers) == [("", True), ("http://localhost:5173", True)]
        assert all(p.address.startswith("127.0.0.1:") for p in peers)
    wait_for(lambda: not any(p.connected for p in server.peers()), what="both marked as left")
    assert len(server.peers()) == 2
