"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Playwright's own browser download does not work here, so the tests launch the
system Chromium through `executable_path`. Without one they skip with how to
install it, except in CI (`CI=true`), where a missing browser is a failure.
"""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.permissions import ensure_editors_group

# Playwright's sync API runs an event loop in the test thread; the tests' own
# ORM calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium():
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        message = "No Chromium found: install it with `apt-get install chromium` (or set CHROMIUM_PATH)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_FLAGS}


def is_local(url):
    if url.startswith(("data:", "blob:", "about:")):
        return True
    host = url.split("/")[2] if "://" in url else ""
    hostname = host.split("]")[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
    return hostname in {"127.0.0.1", "localhost", "[::1]"}


@pytest.fixture
def off_machine_requests(page):
    """A function returning every request the page tried to send to a host other than this machine,
    those the Content-Security-Policy blocked included: a blocked request was still attempted."""
    attempted = []
    page.on("request", lambda request: None if is_local(request.url) else attempted.append(request))

    def sent():
        page.wait_for_load_state("networkidle")
        return [r.url for r in attempted]

    return sent


EDITOR_PASSWORD = "a-long-browser-password"


def sign_in_as_editor(page, live_server, username="curator"):
    """Make an editor with admin access and sign in as them, as a person does, on the login page."""
    user = get_user_model().objects.create_user(username, password=EDITOR_PASSWORD, is_staff=True)
    user.groups.add(ensure_editors_group())
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Corpus API curation")
    return page


def pick(page, box, typed, option):
    """Choose `option` in the autocomplete inside `box` (a locator), as an editor does: open it, type, click."""
    box.locator(".select2-selection").click()
    page.fill(".select2-search__field", typed)
    page.click(f".select2-results__option:has-text('{option}')")


# Where the caret before character `index` of a textarea is on the screen: a hidden copy of the
# textarea, styled alike, holds the text up to it and a marker (the "textarea caret position" method).
CARET_POINT = """(el, index) => {
  const style = getComputedStyle(el);
  const copy = document.createElement("div");
  for (const name of ["boxSizing", "width", "borderTopWidth", "borderRightWidth", "borderBottomWidth",
      "borderLeftWidth", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "fontStyle",
      "fontVariant", "fontWeight", "fontSize", "lineHeight", "fontFamily", "letterSpacing", "wordSpacing",
      "tabSize", "textIndent", "textTransform"]) copy.style[name] = style[name];
  Object.assign(copy.style, {position: "absolute", visibility: "hidden", whiteSpace: "pre-wrap",
                             overflowWrap: "break-word", top: "0", left: "0"});
  copy.textContent = el.value.slice(0, index);
  const marker = document.createElement("span");
  marker.textContent = el.value.slice(index, index + 1) || ".";
  copy.appendChild(marker);
  document.body.appendChild(copy);
  el.scrollTop = Math.max(0, marker.offsetTop - el.clientHeight / 2);
  const box = el.getBoundingClientRect();
  const point = [box.left + marker.offsetLeft + 1, box.top + marker.offsetTop - el.scrollTop + marker.offsetHeight / 2];
  copy.remove();
  return point;
}"""


def select_with_the_mouse(page, selector, start, end):
    """Drag the mouse from before character `start` to before character `end`, as an editor does."""
    box = page.locator(selector)
    box.scroll_into_view_if_needed()
    x1, y1 = box.evaluate(CARET_POINT, start)
    x2, y2 = box.evaluate(CARET_POINT, end)
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
