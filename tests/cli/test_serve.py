"""``convtui serve``: the page is served on localhost; without textual-serve, a hint."""

import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_fetches_the_page():
    pytest.importorskip("textual_serve")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "convtui", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert page is not None, server.stderr.read() if server.poll() is not None else "timeout"
        assert "<div>convtui</div>" in page  # the title
        assert f"ws://127.0.0.1:{port}/ws" in page  # the app's terminal connects here
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def test_serve_without_textual_serve_says_how_to_install(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    code, out, err = cli("serve")
    assert code == 2
    assert "pip install 'convtui[web]'" in err


def test_serve_command_runs_the_app_module(monkeypatch, cli):
    captured = {}

    class FakeServer:
        def __init__(self, command, host, port, title):
            captured.update(command=command, host=host, port=port)

        def serve(self):
            captured["served"] = True

    import textual_serve.server

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    code, _, err = cli("serve", "--port", "8123", "--", "--mode", "same")
    assert code == 0
    assert captured["host"] == "127.0.0.1" and captured["port"] == 8123
    assert captured["command"].endswith("-m convtui --mode same")
    assert "http://127.0.0.1:8123" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (("serve", "--port", "0"), "--port must be between 1 and 65535, got 0"),
        (("serve", "--port", "http"), "--port must be a whole number"),
        (("serve", "--", "--mode", "middle"), "argument --mode: invalid choice"),
    ],
)
def test_serve_bad_arguments(cli, argv, message):
    code, _, err = cli(*argv)
    assert code == 2 and message in err
