"""Sign-in end to end: two replicas of the app on one workspace, behind a real OIDC provider.

``oidc-provider-mock`` plays the company's identity provider on a free loopback port. Two
``streamlit run app.py`` servers, each with its own port and ``redirect_uri`` but the same
``[auth]`` client and ``cookie_secret``, serve the one location ``replica_workspace`` names.
Each person is a fresh browser context in Debian's headless Chromium, and signs in the way a
user does: the app's button, the provider's form, back to the app.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from strategy.usecases import Workspace
from tests.e2e.conftest import (
    APP,
    FAILED,
    REPLICA_EDITOR,
    REPLICA_VIEWER,
    TIMEOUT_MS,
    VIEWPORT,
    free_port,
    healthy,
    responds,
    running,
    streamlit_command,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]  # one server, one browser

TODAY = "2026-11-23"
CLIENT_ID = "social-rollout-tracker"
NEW_PLATFORM = "mastodon"


@dataclass(frozen=True)
class Service:
    """A server this module started: where to reach it, and its log."""

    url: str
    log: Path

    def output(self) -> str:
        """The server's stdout and stderr so far, for failure messages."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``python -m oidc_provider_mock`` on a free loopback port.

    It accepts any client id and secret, and signs in whoever is typed into its form as the
    subject, with that text as the e-mail claim.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    ready = f"{url}/.well-known/openid-configuration"
    with running(command, os.environ, log, "oidc-provider-mock", lambda: responds(ready)):
        yield Service(url, log)


def auth_secrets(redirect_uri: str, cookie_secret: str, client_secret: str, provider: str) -> str:
    """The ``[auth]`` section of one replica's secrets file."""
    values = {
        "redirect_uri": redirect_uri,
        "cookie_secret": cookie_secret,
        "client_id": CLIENT_ID,
        "client_secret": client_secret,
        "server_metadata_url": f"{provider}/.well-known/openid-configuration",
    }
    return "[auth]\n" + "".join(f'{key} = "{value}"\n' for key, value in values.items())


@pytest.fixture(scope="module")
def replicas(
    replica_workspace: str, oidc_provider: Service, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Service, Service]]:
    """Two ``streamlit run app.py`` on free ports, login on, serving ``replica_workspace``.

    Both have the same client and cookie secret; each has its own redirect URI. The secrets
    file is passed with ``--secrets.files``, so the repository's ``.streamlit/`` is not read
    for secrets and nothing is written there.
    """
    cookie_secret = secrets.token_urlsafe(32)
    client_secret = secrets.token_urlsafe(16)
    env = {**os.environ, "ROLLOUT_WORKSPACE": replica_workspace, "ROLLOUT_TODAY": TODAY}
    started: list[Service] = []
    with ExitStack() as stack:
        for number in (1, 2):
            folder = tmp_path_factory.mktemp(f"replica-{number}")
            port = free_port()  # the earlier servers already listen on theirs
            url = f"http://127.0.0.1:{port}"
            secrets_file = folder / "secrets.toml"
            secrets_file.write_text(
                auth_secrets(
                    f"{url}/oauth2callback", cookie_secret, client_secret, oidc_provider.url
                ),
                encoding="utf-8",
            )
            command = streamlit_command(port, "--secrets.files", str(secrets_file))
            log = folder / "streamlit.log"
            stack.enter_context(
                running(command, env, log, f"replica {number}", lambda url=url: healthy(url))
            )
            started.append(Service(url, log))
        yield started[0], started[1]


@pytest.fixture
def person(
    browser: Browser,
    replicas: tuple[Service, Service],
    oidc_provider: Service,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Iterator[Callable[[], Page]]:
    """Opens a browser tab for one more person: their own context, no cookies yet.

    When the journey fails, every tab's screenshot is saved and the servers' logs printed.
    """
    contexts: list[BrowserContext] = []

    def new_person() -> Page:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield new_person
        if request.node.stash.get(FAILED, False):
            for number, context in enumerate(contexts, start=1):
                for tab in context.pages:
                    shot = tmp_path / f"person-{number}.png"
                    tab.screenshot(path=shot, full_page=True)
                    print(f"screenshot of person {number} at {tab.url}: {shot}")
            for name, server in (("replica 1", replicas[0]), ("replica 2", replicas[1])):
                print(f"{name} log:\n{server.output()}")
            print(f"provider log:\n{oidc_provider.output()}")
    finally:
        for context in contexts:
            context.close()


def sidebar_says(page: Page, text: str) -> None:
    """The sidebar, drawn only for someone signed in, says ``text``."""
    expect(page.get_by_test_id("stSidebar")).to_contain_text(text)


def account(provider: Service, subject: str, **claims: object) -> None:
    """Give the provider's account ``subject`` these claims (its ``PUT /users/<sub>``)."""
    request = urllib.request.Request(
        f"{provider.url}/users/{urllib.parse.quote(subject, safe='')}",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204, response.status


def sign_in(
    page: Page, replica: Service, provider: Service, email: str, *, subject: str | None = None
) -> None:
    """Sign in on ``replica`` as the account ``subject`` the way a user does, and land back
    in the app. Without ``subject``, the account is ``email``'s own, its address verified."""
    if subject is None:
        subject = email
        account(provider, subject, email=email, email_verified=True)
    page.goto(f"{replica.url}/")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(f"{provider.url}/oauth2/authorize")))
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    expect(page.get_by_text(f"{replica.url}/oauth2callback")).to_be_visible()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{replica.url}/")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Social rollout dashboard")).to_be_visible()
    sidebar_says(page, f"Signed in as {email}")


def go_to(page: Page, link: str) -> None:
    """Follow the sidebar's page link labelled ``link``."""
    page.get_by_test_id("stSidebar").get_by_role("link").filter(has_text=link).click()


def platform_tab(page: Page, platform: str) -> Page:
    """Open ``platform``'s tab on the Stages page once it is drawn."""
    tab = page.get_by_role("tab", name=platform, exact=True)
    expect(tab).to_be_visible()
    tab.click()
    return page


def run_finished(page: Page) -> None:
    """The script run that drew what the page shows has ended: nothing more will appear.

    Called after seeing something that run drew, so it cannot pass before the run started.
    """
    expect(page.locator(f'{APP}[data-test-connection-state="CONNECTED"]')).to_be_attached()
    expect(page.locator(f'{APP}[data-test-script-state="notRunning"]')).to_be_attached()


def expect_only_the_sign_in(page: Page) -> None:
    """The page shows the sign-in button and nothing of the rollout, nor any way to change it."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name="Log in")).to_be_visible()
    expect(main.get_by_text("Sign in to see the social rollout.")).to_be_visible()
    run_finished(page)
    expect(main.get_by_role("button")).to_have_count(1)
    for hidden in ("stSidebar", "stMetric", "stDataFrame", "stForm", "stTabs", "stVegaLiteChart"):
        expect(page.get_by_test_id(hidden)).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)
    expect(main.get_by_role("checkbox")).to_have_count(0)


def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_button(
    person: Callable[[], Page], replicas: tuple[Service, Service]
) -> None:
    visitor = person()
    for replica in replicas:
        for path in ("/", "/Stages"):
            visitor.goto(f"{replica.url}{path}")
            expect_only_the_sign_in(visitor)


def test_an_editor_saves_on_one_replica_and_a_viewer_sees_it_on_the_other_without_controls(
    person: Callable[[], Page],
    replicas: tuple[Service, Service],
    oidc_provider: Service,
    replica_workspace: str,
) -> None:
    first, second = replicas

    editor = person()
    sign_in(editor, first, oidc_provider, REPLICA_EDITOR)
    sidebar_says(editor, f"Signed in as {REPLICA_EDITOR} (editor)")
    go_to(editor, "Stages")
    expect(editor.get_by_role("heading", name="Stages", exact=True)).to_be_visible()
    expect(editor.get_by_role("tab", name="instagram", exact=True)).to_be_visible()
    expect(editor.get_by_role("tab", name=NEW_PLATFORM, exact=True)).to_have_count(0)
    expect(editor.get_by_role("button", name="Save checklist").first).to_be_visible()
    editor.get_by_label("Platform name").fill(NEW_PLATFORM)
    editor.get_by_role("button", name="Add platform").click()
    expect(editor.get_by_test_id("stAlert").filter(has_text="checklist started")).to_contain_text(
        f"{NEW_PLATFORM}: checklist started."
    )
    expect(editor.get_by_role("tab", name=NEW_PLATFORM, exact=True)).to_be_visible()
    latest = Workspace.open(replica_workspace).audit_log(limit=1)[0]
    assert (latest.actor, latest.action) == (REPLICA_EDITOR, "checklist.set"), latest

    viewer = person()
    sign_in(viewer, second, oidc_provider, REPLICA_VIEWER)
    sidebar_says(viewer, f"Signed in as {REPLICA_VIEWER} (viewer)")
    go_to(viewer, "Stages")
    expect(viewer.get_by_role("heading", name="Stages", exact=True)).to_be_visible()
    platform_tab(viewer, NEW_PLATFORM)
    panel = viewer.get_by_role("tabpanel").filter(has_text="Setup checklist")
    expect(panel.get_by_test_id("stMetric").filter(has_text="Setup checklist")).to_contain_text(
        "0 of 4 done"
    )
    audit = viewer.get_by_test_id("stDataFrame").locator("tr").filter(has_text=REPLICA_EDITOR)
    expect(audit.filter(has_text=f"changed the setup checklist: {NEW_PLATFORM}")).to_have_count(1)
    run_finished(viewer)
    main = viewer.get_by_test_id("stMain")
    for control in ("Save checklist", "Add platform", "Save gates", "Record the override"):
        expect(main.get_by_role("button", name=control)).to_have_count(0)
    expect(main.get_by_test_id("stForm")).to_have_count(0)
    expect(main.get_by_role("checkbox")).to_have_count(0)
    expect(main.get_by_role("textbox")).to_have_count(0)


def test_an_unverified_address_signs_in_as_a_viewer_told_why_and_may_change_nothing(
    person: Callable[[], Page], replicas: tuple[Service, Service], oidc_provider: Service
) -> None:
    impostor = person()
    account(oidc_provider, "mallory", email=REPLICA_EDITOR, email_verified=False)
    sign_in(impostor, replicas[0], oidc_provider, REPLICA_EDITOR, subject="mallory")

    sidebar_says(impostor, f"Signed in as {REPLICA_EDITOR} (not verified) (viewer)")
    sidebar_says(impostor, f"has not verified the e-mail address {REPLICA_EDITOR}")
    sidebar_says(impostor, f"{oidc_provider.url}|mallory")
    go_to(impostor, "Stages")
    expect(impostor.get_by_role("heading", name="Stages", exact=True)).to_be_visible()
    platform_tab(impostor, "instagram")
    run_finished(impostor)
    expect(impostor.get_by_role("button", name="Save checklist")).to_have_count(0)
    expect(impostor.get_by_role("button", name="Add platform")).to_have_count(0)
