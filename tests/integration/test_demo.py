"""``wirewatch demo``: the whole system on the bundled news, as a newcomer starts it."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.live import free_port


def test_the_demo_serves_arriving_news_signed_in_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    log = (tmp_path / "demo.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "wirewatch", "demo", "--port", str(port), "--keep", str(tmp_path / "db")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        deadline = time.monotonic() + 120
        html = ""
        while time.monotonic() < deadline:
            try:
                with browser.open(base + "/", timeout=10) as reply:
                    html = reply.read().decode()
                if html.count('class="story') >= 3:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert "Demo reader" in html  # signed in on the first visit
        assert html.count('class="story') >= 3  # news arrived from the local site
        assert [c.name for c in jar] == ["ww_session"]
        story = re.search(r'href="/stories/(\d+)"', html)
        assert story is not None
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        log.close()
    output = (tmp_path / "demo.log").read_text()
    assert code == 0, output
    assert f"open {base}/" in output and "Traceback" not in output
