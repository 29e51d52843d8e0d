"""A uvicorn server of the web app in a thread, on 127.0.0.1 and a free port."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    pytest.importorskip("fastapi")
    import uvicorn

    from anchorval.web import bind, create_app

    folder = tmp_path_factory.mktemp("cases")
    (folder / "xss-case.yaml").write_text((HERE / "xss-case.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(cases_dir=folder, db=tmp_path_factory.mktemp("db") / "h.duckdb")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    th = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    th.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    th.join(10)
