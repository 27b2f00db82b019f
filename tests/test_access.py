"""A `kb serve` that leaves loopback: it refuses to start without a token, every request but
/healthz, the page and the docs needs the token, and only the listed origins' pages may call it
(checked in a real browser: the page on an allowed origin and on another)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kb.interfaces.cli import main
from kb.interfaces.server import create_app
from tests.test_page import _ask, _browser, _wait, serve_app

TOKEN = "s3cret-token-for-the-tests-only"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(stub_index):
    index, embedder = stub_index
    app = create_app(index, embedder, allowed_hosts=["testserver"], token=TOKEN, cors_origins=["https://tools.example"])
    return TestClient(app)


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/ask", {"question": "营销"}),
        ("post", "/search", {"question": "营销"}),
        ("post", "/ask/batch", {"questions": ["营销"]}),
        ("get", "/info", None),
        ("post", "/reload", None),
        ("get", "/no-such-page", None),
    ],
)
def test_every_endpoint_needs_the_token(client, method, url, body):
    for headers in ({}, {"Authorization": "Bearer wrong-token-of-some-length"}, {"Authorization": TOKEN}):
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 401, (url, headers)
        assert response.json()["error"]["code"] == "unauthorized" and set(response.json()["error"]) == {
            "code",
            "message",
            "field",
        }
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.request(method, url, json=body, headers=AUTH).status_code != 401


def test_liveness_the_page_and_the_docs_stay_open(client):
    for url in ("/healthz", "/", "/static/page/page.js", "/docs", "/openapi.json"):
        assert client.get(url).status_code == 200, url
    assert client.post("/ask", json={"question": "营销和销售的区别"}, headers=AUTH).json()["found"]


def test_preflights_are_answered_for_listed_origins_only(client):
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = client.options("/ask", headers={"Origin": "https://tools.example", **preflight})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://tools.example"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    denied = client.options("/ask", headers={"Origin": "https://evil.example", **preflight})
    assert denied.status_code != 200 and "access-control-allow-origin" not in denied.headers
    # A refused request from a listed origin is readable there: the page can ask for the token.
    refused = client.post("/ask", json={"question": "营销"}, headers={"Origin": "https://tools.example"})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "https://tools.example"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "kb.example.com"])
def test_serving_beyond_loopback_is_refused_without_a_token(stub_index, host, monkeypatch):
    monkeypatch.delenv("KB_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--index", str(stub_index[0]), "--host", host])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "--token-file" in result.output and result.output.count("\n") == 1


def test_a_short_or_unreadable_token_is_refused(stub_index, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_TOKEN", "short")
    result = CliRunner().invoke(main, ["serve", "--index", str(stub_index[0]), "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "at least 16" in result.output
    monkeypatch.delenv("KB_TOKEN")
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(main, ["serve", "--index", str(stub_index[0]), "--token-file", str(missing)])
    assert result.exit_code == 1 and "missing.txt" in result.output


@pytest.fixture(scope="module")
def page_site(stub_index):
    """The page, served without a token: the origin other sites' pages run on."""
    index, embedder = stub_index
    yield from serve_app(create_app(index, embedder))


@pytest.fixture(scope="module")
def api_site(stub_index, page_site):
    """An API with a token that allows the page site's 127.0.0.1 origin, not its localhost one."""
    index, embedder = stub_index
    yield from serve_app(create_app(index, embedder, token=TOKEN, cors_origins=[page_site]))


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()


FETCH = """const [url, token, done] = arguments;
fetch(url + '/search', {method: 'POST', headers: {'Content-Type': 'application/json', Authorization: 'Bearer ' + token},
  body: JSON.stringify({question: '销售漏斗', k: 1})})
  .then(r => r.json().then(j => done('status ' + r.status + ' ' + (j.passages ? j.passages.length : j.error.code))))
  .catch(e => done('blocked ' + e.name));"""


def test_a_listed_origin_calls_the_api_from_a_browser_and_another_cannot(page_site, api_site, browser):
    browser.get(page_site + "/")
    assert browser.execute_async_script(FETCH, api_site, TOKEN) == "status 200 1"
    assert browser.execute_async_script(FETCH, api_site, "wrong-token-of-some-length") == "status 401 unauthorized"
    other = page_site.replace("127.0.0.1", "localhost")  # the same server, another origin
    browser.get(other + "/")
    assert browser.execute_async_script(FETCH, api_site, TOKEN) == "blocked TypeError"


def test_the_page_asks_for_the_token_once(api_site, browser):
    from selenium.webdriver.common.by import By

    browser.get(api_site + "/")
    _wait(browser, lambda: _alert(browser))  # the page's first call (/info, its title) needs the token
    alert = browser.switch_to.alert
    alert.send_keys(TOKEN)
    alert.accept()
    _ask(browser, "营销和销售的区别")
    _wait(browser, lambda: browser.find_element(By.ID, "asked").text == "营销和销售的区别")
    assert re.search(r"\[\d+\]", browser.find_element(By.ID, "answer").text)  # the cited answer
    browser.refresh()  # the token is kept for the session: no second prompt
    _ask(browser, "什么是销售漏斗")
    assert _alert(browser) is False


def _alert(browser) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        browser.switch_to.alert  # noqa: B018 (raises when there is none)
        return True
    except NoAlertPresentException:
        return False
