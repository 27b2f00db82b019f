"""The trainee page and the API docs in a real browser (Debian's chromium and chromium-driver,
driven by selenium), served by a real server on 127.0.0.1, with no network beyond it."""

import os
import re
import shutil
import socket
import threading
import time

import pytest

from kb import KnowledgeBase
from tests.conftest import CORPUS, BigramEmbedder

SHOTS = os.environ.get("KB_SCREENSHOTS")  # a folder to keep the screenshots in (README's)


def _browser():
    driver_path = shutil.which("chromedriver")
    if driver_path is None and not os.environ.get("CI"):
        pytest.skip("chromium-driver not installed (CI installs it: apt-get install chromium-driver)")
    assert driver_path, "chromium-driver is required in CI"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1000,1400", "--lang=zh-CN"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver_path), options=options)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A kb server for the seed corpus on a free loopback port, in this process."""
    import uvicorn

    from kb.server import create_app

    embedder = BigramEmbedder()
    index = tmp_path_factory.mktemp("page") / "index"
    KnowledgeBase.build([CORPUS], index, embedder=embedder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(index, embedder), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()


def _wait(browser, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(lambda _: condition())


def _ask(browser, question):
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.ID, "question")
    box.clear()
    box.send_keys(question)
    browser.find_element(By.ID, "submit").click()
    _wait(browser, lambda: browser.find_element(By.ID, "asked").text == question)


def test_chinese_renders_as_glyphs_not_empty_boxes(site, browser):
    browser.get(site + "/")
    # Two different characters drawn in the page's font: with no CJK font both are the same
    # empty box, pixel for pixel.
    differ = browser.execute_script(
        """const font = getComputedStyle(document.body).font;
        const draw = (c) => { const canvas = document.createElement('canvas'); canvas.width = canvas.height = 64;
          const g = canvas.getContext('2d'); g.font = font.replace(/\\d+px/, '48px'); g.fillText(c, 4, 52);
          return Array.from(g.getImageData(0, 0, 64, 64).data).join(','); };
        return draw('营') !== draw('销') && draw('营') !== draw('\\uE000');"""
    )
    assert differ, "CJK characters render as empty boxes: install fonts-wqy-microhei or fonts-noto-cjk"


def test_ask_read_the_cited_answer_open_a_citation_and_the_table(site, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(site + "/")
    _ask(browser, "营销和销售的区别")
    answer = browser.find_element(By.ID, "answer")
    assert re.search(r"。\[\d+\]", answer.text)  # cited sentences
    table = browser.find_element(By.ID, "contrast")
    assert table.is_displayed() and "方面" in table.text and len(table.find_elements(By.TAG_NAME, "tr")) >= 5
    sentence = answer.find_element(By.CLASS_NAME, "sentence").text
    answer.find_element(By.CSS_SELECTOR, "a.cite").click()
    excerpt = browser.find_element(By.ID, "excerpt")
    _wait(browser, excerpt.is_displayed)
    assert browser.find_element(By.CSS_SELECTOR, "#excerpt mark").text == sentence  # highlighted in its passage
    assert ".txt L" in browser.find_element(By.ID, "excerpt-where").text  # file and line
    browser.save_screenshot(str(tmp_path / "answer.png"))
    if SHOTS:
        browser.save_screenshot(os.path.join(SHOTS, "page.png"))
    assert (tmp_path / "answer.png").stat().st_size > 10_000


def test_not_found_the_script_switch_and_recent_questions(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site + "/")
    _ask(browser, "今天天气怎么样")
    answer = browser.find_element(By.ID, "answer")
    assert "没有找到" in answer.text and "notfound" in answer.get_attribute("class")
    assert not browser.find_element(By.ID, "contrast").is_displayed()
    _ask(browser, "营销和销售的区别")
    browser.find_element(By.CSS_SELECTOR, '.script button[data-script="traditional"]').click()
    _wait(browser, lambda: "銷售" in browser.find_element(By.ID, "answer").text)
    browser.find_element(By.CSS_SELECTOR, '.script button[data-script="original"]').click()
    _wait(browser, lambda: "銷售" not in browser.find_element(By.ID, "answer").text)
    recent = browser.execute_script("return [...document.querySelectorAll('#recent li')].map(li => li.textContent)")
    assert recent[:2] == ["营销和销售的区别", "今天天气怎么样"]


def test_the_api_docs_render_offline(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site + "/docs")
    _wait(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, ".opblock")) >= 5)
    paths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
    assert "/ask" in paths and "/ask/batch" in paths
