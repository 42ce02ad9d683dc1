"""The web app's pages, served by the real ``wirewatch run`` in a subprocess.

What a reader checks: the article page marks the seed page's quotations with the right
speaker; search with a field filter works; a reply shows its author's name and the email
address appears nowhere; forms without the CSRF token are refused; the only cookie is the
session's; every page has a strict Content-Security-Policy with nonces and asks for nothing
from elsewhere; a script in an article's text is shown as text, never run.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.live import LIVE_ENV, LiveProcess

CASES = Path(__file__).resolve().parents[1] / "cases"
SEED = CASES / "nato-stoltenberg-page.txt"
EMAIL = "reader@example.org"
HOSTILE = (
    "Council votes on the harbour plan\n\n"
    'The council voted on Tuesday. <script>alert("pwned")</script> <img src=x onerror=alert(1)> '
    "The harbour plan now goes to the mayor, officials said, and work could start in spring."
)


class Browser:
    """urllib with a cookie jar: a visitor who keeps the session cookie."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.last_headers: dict[str, str] = {}

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as reply:
            self.last_headers = {k.lower(): v for k, v in reply.headers.items()}
            return reply.read().decode()

    def post(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=20) as reply:
            return reply.read().decode()

    def csrf(self, html: str) -> str:
        found = re.search(r'name="csrf" value="([^"]*)"', html)
        assert found, "no CSRF field in the page"
        return found.group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveProcess]:
    folder = tmp_path_factory.mktemp("web")
    db = folder / "web.db"
    (folder / "hostile.txt").write_text(HOSTILE)
    for path in (SEED, folder / "hostile.txt"):
        result = run_cli(["ingest", str(path), "--db", str(db), "--workers", "1"], env=LIVE_ENV)
        assert result.code == 0, result.stderr
    with LiveProcess(db) as live:
        yield live


def article_id(browser: Browser, query: str) -> int:
    found = re.search(r'href="/articles/(\d+)"', browser.get("/search?q=" + urllib.parse.quote(query)))
    assert found, f"no result for {query}"
    return int(found.group(1))


def test_the_article_page_marks_the_seed_quotations_with_their_speakers(site: LiveProcess) -> None:
    browser = Browser(site.base)
    html = browser.get(f"/articles/{article_id(browser, 'speaker:stoltenberg')}")
    marked = re.findall(r'<mark class="quote" title="([^"]*)">', html)
    assert marked.count("Jens Stoltenberg") >= 7
    assert "Vladimir Putin" not in marked  # named inside a quotation, never its speaker
    assert "Alexander Lukashenko" in marked
    assert re.search(r'<a class="speaker" href="/speakers/\d+">Jens Stoltenberg</a>', html)


def test_search_with_a_field_filter(site: LiveProcess) -> None:
    browser = Browser(site.base)
    html = browser.get("/search?q=" + urllib.parse.quote("speaker:stoltenberg title:nato"))
    assert "Stoltenberg: NATO Remains Committed" in html and "1 result" in html
    html = browser.get("/search?q=" + urllib.parse.quote("speaker:stoltenberg title:harbour"))
    assert "0 results" in html
    html = browser.get("/search?q=" + urllib.parse.quote("bogus:field"))
    assert "unknown field" in html and 'role="alert"' in html


def test_every_page_has_a_strict_csp_and_asks_for_nothing_from_elsewhere(site: LiveProcess) -> None:
    browser = Browser(site.base)
    for path in (
        "/",
        "/search",
        "/speakers",
        "/sources",
        "/login",
        f"/articles/{article_id(browser, 'nato')}",
    ):
        html = browser.get(path)
        policy = browser.last_headers["content-security-policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce and "default-src 'self'" in policy and "object-src 'none'" in policy
        for tag in re.findall(r"<script[^>]*>", html):
            assert f'nonce="{nonce.group(1)}"' in tag and 'src="/static/' in tag
        outside = [
            u for u in re.findall(r'(?:src|href)="(https?://[^"]+)"', html) if not u.startswith(site.base)
        ]
        assert outside == [] or path.startswith("/articles/"), outside  # only an article links its original


def test_a_script_in_an_article_is_text_never_markup(site: LiveProcess) -> None:
    browser = Browser(site.base)
    html = browser.get(f"/articles/{article_id(browser, 'harbour plan')}")
    assert "<script>alert" not in html and "<img" not in html  # no markup from the article
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text


def test_a_reply_shows_its_author_and_never_the_email(site: LiveProcess) -> None:
    browser = Browser(site.base)
    setup = (
        browser.get("/setup")
        if "Create the first account" in browser.get("/login")
        else browser.get("/login")
    )
    form = {"csrf": "", "name": "Ada Reader", "email": EMAIL, "password": "correct horse battery"}
    if "Create the first account" in setup:
        browser.post("/setup", form)
    else:
        browser.post("/login", {"email": EMAIL, "password": form["password"]})
    assert [c.name for c in browser.jar] == ["ww_session"]  # the only cookie
    cookie = next(iter(browser.jar))
    assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie._rest).lower()
    story = re.search(r'href="/stories/(\d+)"', browser.get(f"/articles/{article_id(browser, 'nato')}"))
    assert story
    page = browser.get(f"/stories/{story.group(1)}")
    with pytest.raises(urllib.error.HTTPError) as refused:  # no CSRF token: refused
        browser.post(f"/stories/{story.group(1)}/replies", {"text": "forged", "csrf": "wrong"})
    assert refused.value.code == 403
    browser.post(
        f"/stories/{story.group(1)}/replies", {"text": "Useful summary, thanks.", "csrf": browser.csrf(page)}
    )
    anonymous = Browser(site.base).get(f"/stories/{story.group(1)}")
    for html in (anonymous, browser.get(f"/stories/{story.group(1)}")):
        assert "Ada Reader" in html and "Useful summary, thanks." in html
        assert EMAIL not in html and "forged" not in html


def test_the_api_gives_what_the_pages_show(site: LiveProcess) -> None:
    import json

    [hit] = site.get("/api/search?q=" + urllib.parse.quote("speaker:stoltenberg"))
    article = site.get(f"/api/articles/{hit['id']}")
    named = [q for q in article["quotes"] if q["speaker"] and q["speaker"]["canonical"] == "Jens Stoltenberg"]
    assert len(named) >= 7 and article["story"]["id"] == article["story_id"]
    speakers = {s["canonical"]: s for s in site.get("/api/speakers")}
    stoltenberg = site.get(f"/api/speakers/{speakers['Jens Stoltenberg']['id']}")
    assert len(stoltenberg["quotes"]) == speakers["Jens Stoltenberg"]["quote_count"]
    assert article["story_id"] in [
        s["id"] for s in site.get("/api/stories?q=" + urllib.parse.quote("entity:nato"))
    ]
    with pytest.raises(urllib.error.HTTPError) as bad:
        site.get("/api/search?q=" + urllib.parse.quote("bogus:x"))
    assert bad.value.code == 400 and "unknown field" in json.loads(bad.value.read())["detail"]
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        site.post(f"/api/stories/{article['story_id']}/replies", {"text": "anonymous"})
    assert anonymous.value.code == 401
    added = run_cli(
        [
            "users",
            "add",
            "api@example.org",
            "--name",
            "Script Writer",
            "--password-stdin",
            "--db",
            str(site.db),
        ],
        env=LIVE_ENV,
        stdin=b"another long password\n",
    )
    assert added.code == 0, added.stderr
    token = run_cli(["users", "token", "api@example.org", "--db", str(site.db)], env=LIVE_ENV).stdout.strip()
    site.post(f"/api/stories/{article['story_id']}/replies", {"text": "Via the API."}, token=token)
    replies = site.get(f"/api/stories/{article['story_id']}")["replies"]
    assert {"author": "Script Writer", "text": "Via the API."} in [
        {k: r[k] for k in ("author", "text")} for r in replies
    ]
    assert "api@example.org" not in json.dumps(site.get(f"/api/stories/{article['story_id']}"))
