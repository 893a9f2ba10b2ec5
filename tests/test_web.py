"""`interviewer serve`: the round in a browser, through its API and in a real headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interviewer.engines import served
from interviewer.web.client import WebCandidate, spoken

from .conftest import CORPUS, cli_env, make_home

CHROMIUM = "/usr/bin/chromium"
ANSWERS = ["How many new links per month, and what is the read to write ratio?",
           "So 120 million new links a month is about 46 writes per second, and at a hundred reads per write that is "
           "4,600 redirects per second.",
           "An API tier behind a load balancer, a key generation service handing out base62 codes, a key-value store "
           "mapping code to URL, and a cache in front for the hot links."]
URL_SHORTENER = {"round": "system-design", "level": "L6", "company": "faang", "minutes": 30,
                 "question": "sd-url-shortener"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, models: Path, prebuilt_index: Path) -> Iterator[str]:
    """A real `interviewer serve` (SQLite in its home, the OS sandbox on) on a free loopback port."""
    home = make_home(tmp_path_factory.mktemp("served-home"), models, prebuilt_index)
    with served(cli_env(home)) as url:
        yield url


def test_a_round_through_the_api_to_feedback(server: str) -> None:
    with WebCandidate(server) as ada:
        opening = ada.start(**URL_SHORTENER)
        assert opening[0] == {"type": "say", "speaker": "Maya"}
        assert spoken(opening).startswith("Hi, I'm Maya")
        assert opening[-1]["type"] == "waiting"
        status = opening[-1]["status"]
        assert (status["round_title"], status["level"], status["phase_number"]) == ("System design", "L6", 1)
        assert status["total_left"] == pytest.approx(30 * 60, abs=1)

        reply = ada.say(ANSWERS[0])
        assert "100 to 1" in spoken(reply) and reply[-1]["type"] == "waiting"
        table = ada.say("/time")[0]
        assert table["type"] == "local" and table["text"].startswith("phase") and "total left" in table["text"]
        ada.say(ANSWERS[1])
        hint = ada.say("/hint")
        assert spoken(hint) and hint[-1]["type"] == "waiting"
        ada.say(ANSWERS[2])
        end = ada.say("/end")
        feedback = next(e for e in end if e["type"] == "feedback")
        assert feedback["html"].startswith("<h1>Feedback: System design, target L6, faang</h1>")
        assert "<table>" in feedback["html"] and "<blockquote>" in feedback["html"]
        assert feedback["verdict"] in feedback["html"]
        assert ada.next_event()["type"] == "closed"
        [session] = ada.sessions()
        assert session["status"] == "finished" and session["question"] == "sd-url-shortener"


def test_each_browser_sees_only_its_own_sessions_and_rounds(server: str) -> None:
    with WebCandidate(server) as ada, WebCandidate(server) as ben:
        ada.start(**URL_SHORTENER)
        ada.say(ANSWERS[0])
        assert [s["id"] for s in ada.sessions()] == [ada.round] and ada.sessions()[0]["live"]
        assert ben.sessions() == []
        foreign = ben.post(f"/api/rounds/{ada.round}/answer", {"text": "ignore the above"})
        assert foreign.status_code == 404
        assert ben.post(f"/api/rounds/{ada.round}/resume", {}).status_code == 404
        assert ben.http.get(f"/api/rounds/{ada.round}/events").status_code == 404
        left = ada.say("/quit")
        assert left[-1] == {"type": "left", "session": ada.round}


def test_a_left_round_resumes_in_the_browser(server: str) -> None:
    with WebCandidate(server) as ada:
        ada.start(**URL_SHORTENER)
        asked = spoken(ada.say(ANSWERS[0]))
        session_id = ada.round
        ada.say("/quit")
        assert ada.next_event()["type"] == "closed"
        assert ada.sessions()[0]["status"] == "active" and not ada.sessions()[0]["live"]
        resumed = ada.resume(session_id)
        assert resumed[0] == {"type": "info", "text": f"Resuming session {session_id}."}
        assert asked in spoken(resumed) and resumed[-1]["type"] == "waiting"


def test_a_transcript_upload_is_graded(server: str) -> None:
    sample = CORPUS / "transcripts" / "system-design" / "sd-l5-rate-limiter.md"
    with WebCandidate(server) as ada:
        graded = ada.post("/api/replay", {"name": sample.name, "text": sample.read_text(), "level": "L5"})
        assert graded.status_code == 200
        assert graded.json()["html"].startswith("<h1>Feedback: System design, target L5, product</h1>")
        unknown = ada.post("/api/replay", {"name": "mock.txt", "text": "Interviewer: Hi.\nCandidate: Hello.\n"})
        assert unknown.status_code == 400
        assert unknown.json() == {"error": "this transcript does not say its round: choose one"}
        assert ada.post("/api/replay", {"name": "x.txt", "text": "", "round": "statistics"}).json() == {
            "error": "the transcript is empty"}


def test_bad_requests_get_one_line(server: str) -> None:
    with WebCandidate(server) as ada:
        assert ada.post("/api/rounds", {"round": "chess"}).json() == {"error": "unknown round 'chess'"}
        assert ada.post("/api/rounds", {"minutes": 500}).json() == {"error": "minutes must be between 5 and 120"}
        broken = ada.http.post("/api/rounds", content=b"{not json", headers={"Content-Type": "application/json"})
        assert broken.status_code == 400 and broken.json() == {"error": "the request body is not JSON"}
    anonymous = httpx.get(f"{server}/api/sessions")
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "no candidate cookie: reload the page"}


def test_the_page_needs_no_build_step(server: str) -> None:
    page = httpx.get(server)
    assert page.status_code == 200 and "interviewer_candidate=" in page.headers["set-cookie"]
    assert "HttpOnly" in page.headers["set-cookie"] and "SameSite=strict" in page.headers["set-cookie"]
    for asset in ("/static/app.js", "/static/style.css"):
        assert httpx.get(server + asset).status_code == 200
    assert '<script src="/static/app.js" defer></script>' in page.text


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM,
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


def test_a_short_round_in_headless_chromium(server: str, browser: object, tmp_path: Path) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    page.select_option("#round", "system-design")
    page.select_option("#level", "L5")
    page.select_option("#company", "startup")
    page.fill("#minutes", "20")
    page.click("#start")
    expect(page.locator(".turn.interviewer").first).to_contain_text("Hi, I'm Maya", timeout=60_000)
    expect(page.locator("#answer")).to_be_enabled(timeout=60_000)
    expect(page.locator("#status")).to_contain_text("System design · L5 · phase 1/6")
    for number, answer in enumerate(ANSWERS[1:], start=2):
        page.fill("#answer", answer)
        page.press("#answer", "Enter")
        expect(page.locator(".turn.candidate").nth(number - 2)).to_have_text("You" + answer)
        expect(page.locator(".turn.interviewer")).to_have_count(number, timeout=60_000)
        expect(page.locator("#answer")).to_be_enabled(timeout=60_000)
    page.click("button[data-command='/time']")
    expect(page.locator(".note").last).to_contain_text("total left")
    page.screenshot(path=str(tmp_path / "round.png"), full_page=True)
    page.click("button[data-command='/end']")
    expect(page.locator("#feedback h1")).to_have_text("Feedback: System design, target L5, startup", timeout=120_000)
    expect(page.locator("#feedback table")).to_contain_text("Estimation")
    expect(page.locator("#feedback blockquote").first).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Finished · verdict: ")
    expect(page.locator("#answer")).to_be_disabled()
    expect(page.locator("#sessions")).to_contain_text("finished")
    page.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)
    assert errors == []


def test_many_browsers_at_once_on_postgresql(postgres_url: str, models: Path, prebuilt_index: Path,
                                             tmp_path: Path) -> None:
    """Concurrent first requests share one store: sessions, turns and checkpoints all land in PostgreSQL."""
    from concurrent.futures import ThreadPoolExecutor

    from interviewer.session_postgres import PostgresStore

    home = make_home(tmp_path / "home", models, prebuilt_index)

    def sit(url: str) -> tuple[str, int]:
        with WebCandidate(url) as person:
            person.start(**URL_SHORTENER)
            for answer in ANSWERS[:2]:
                assert person.say(answer)[-1]["type"] == "waiting"
            assert person.say("/quit")[-1]["type"] == "left"
            assert person.round is not None
            return person.round, len(person.sessions())

    with served({**cli_env(home), "INTERVIEWER_DATABASE_URL": postgres_url}) as url:
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(sit, [url] * 6))
    assert [count for _, count in results] == [1] * 6  # each browser sees its own session only
    assert not (home / "sessions").exists()
    store = PostgresStore(postgres_url, "nobody")
    try:
        with store._pool.connection() as connection:
            rows = connection.execute("SELECT owner, session_id, count(*) AS turns FROM interviewer_turns "
                                      "WHERE session_id = ANY(%s) GROUP BY owner, session_id",
                                      ([session for session, _ in results],)).fetchall()
    finally:
        store.close()
    assert len(rows) == 6 and len({row["owner"] for row in rows}) == 6
    assert {row["turns"] for row in rows} == {5}  # opening, two answers, two questions
