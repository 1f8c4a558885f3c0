"""docs/HTTP_API.md's examples, run as written (the port aside) against a
started program: each answers ok, and what they ask for is spoken."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from support.program import ROOT
from support.timing import scaled, wait_for

DOC = ROOT / "docs" / "HTTP_API.md"

needs_tools = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("espeak-ng") and shutil.which("base64")),
                                 reason="curl, espeak-ng and base64 run the examples")


def blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_doc_has_examples_for_every_route():
    text = "".join(blocks())
    for route in ("speak", "stop", "status", "receivers", "events"):
        assert f"127.0.0.1:3000/api/v1/{route}" in text


@needs_tools
def test_every_example_runs_as_written(program, tmp_path):
    app = program()
    base = app.api_url.removesuffix("/api/v1")
    for block in blocks():
        script = block.replace("http://127.0.0.1:3000", base)
        if " -sN " in script:  # the event stream: it runs until stopped
            stream = subprocess.Popen(["bash", "-c", script], stdout=subprocess.PIPE, cwd=tmp_path)
            try:
                assert stream.stdout.readline() == b": connected\n"
            finally:
                stream.kill()
                stream.wait()
            continue
        done = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, cwd=tmp_path,
                              timeout=scaled(30))
        assert done.returncode == 0, done.stderr
        answers = [json.loads(line) for line in re.sub(r"\}\{", "}\n{", done.stdout).splitlines() if line]
        assert answers and all(answer.get("ok") is True for answer in answers), done.stdout
        if "Hello from curl!" in script:  # the Done-when line: spoken with the happy face before the rest cut in
            app.wait_for_log(r"speaking \(happy, [^)]*\): 'Hello from curl!'")
    wait_for(lambda: "This is my own voice." in app.log(), 60, what="the own-voice example spoken")
    assert app.stop() == 0
