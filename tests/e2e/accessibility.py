"""Accessibility checks of the web app in the browser: axe-core (the npm package, read from
node_modules and evaluated in the page through the browser's debugging protocol, so a Content
Security Policy does not stand in its way) at a desktop and a phone viewport, in the light and the
dark color scheme (emulated `prefers-color-scheme`), plus a screenshot of each page on the phone,
and a check that nothing makes the page scroll sideways on the narrowest phone the app supports."""

import json
from dataclasses import asdict, dataclass
from typing import Literal

from playwright.sync_api import Page, ViewportSize

from testing.media import ROOT
from tests.e2e.browser import ARTIFACTS

AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# The narrowest screen the layout is made for (WCAG's reflow asks for 320 px of content).
NARROWEST: ViewportSize = {"width": 360, "height": 740}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
# What fails a test; moderate and minor findings are fixed or listed with a reason in docs/web.md.
BLOCKING = frozenset({"serious", "critical"})

# Every rule axe runs by default (WCAG 2.0-2.2 A/AA and best practices, which hold the landmark
# and heading rules), on the whole document. The result keeps what a person needs to find a node.
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
  }));
}"""

# How far the page reaches past the right edge of the window (0 when nothing sticks out), and
# the elements that stick out furthest, for the message.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (element) => {
    for (let box = element.parentElement; box !== null; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = Array.from(document.querySelectorAll("body *"))
    .filter((element) => element.getBoundingClientRect().right > width + 1 && !clipped(element))
    .slice(0, 5)
    .map((element) => element.outerHTML.slice(0, 80));
  return { past: document.documentElement.scrollWidth - width, wide };
}"""

# Layout changes (the header's menu, a resized table) settle when no CSS transition is running;
# animations that never end (a running progress bar's stripes) do not count.
TRANSITIONS_DONE = """() => document.getAnimations()
  .every((animation) => !(animation instanceof CSSTransition))"""


@dataclass(frozen=True)
class Finding:
    page: str
    viewport: str
    scheme: str
    rule: str
    impact: str
    help: str
    nodes: list[dict[str, str]]

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def __str__(self) -> str:
        targets = "; ".join(node["target"] for node in self.nodes[:5])
        return (
            f"{self.page} ({self.viewport}, {self.scheme}): {self.rule} [{self.impact}] "
            f"{self.help}, {len(self.nodes)} node(s): {targets}"
        )


def _settle(page: Page) -> None:
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done(null)))")
    page.wait_for_function(TRANSITIONS_DONE)


def _use_scheme(page: Page, scheme: Literal["light", "dark"]) -> None:
    page.emulate_media(color_scheme=scheme)
    # The app follows the system setting: Mantine marks the root with the scheme it applied.
    page.wait_for_function(
        f"() => document.documentElement.dataset.mantineColorScheme === '{scheme}'"
    )
    _settle(page)


def _run_axe(page: Page) -> list[dict[str, object]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text())
    violations: list[dict[str, object]] = page.evaluate(RUN_AXE)
    return violations


class AccessibilityAudit:
    """Audits pages of one test and keeps every finding; `blocking` are the ones that fail it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.findings: list[Finding] = []
        self.pages: list[str] = []

    def check(self, page: Page, name: str) -> None:
        """axe on the page as it stands, at each viewport and scheme, and a phone screenshot in
        each scheme (`test-artifacts/web-{name}-phone-{scheme}.png`); the page is left at its
        desktop size in the light scheme."""
        self.pages.append(name)
        ARTIFACTS.mkdir(exist_ok=True)
        for scheme in SCHEMES:
            _use_scheme(page, scheme)
            for viewport, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                _settle(page)
                for violation in _run_axe(page):
                    self.findings.append(
                        Finding(name, viewport, scheme, **violation)  # type: ignore[arg-type]
                    )
                if viewport == "phone":
                    page.screenshot(
                        path=str(ARTIFACTS / f"web-{name}-phone-{scheme}.png"), full_page=True
                    )
        _use_scheme(page, "light")
        page.set_viewport_size(NARROWEST)
        _settle(page)
        overflow = page.evaluate(OVERFLOW)
        if overflow["past"] > 0:
            self.findings.append(
                Finding(
                    name,
                    "narrowest",
                    "light",
                    "reflow",
                    "serious",
                    f"the page scrolls sideways by {overflow['past']} px at 360 px wide",
                    [{"target": target, "summary": ""} for target in overflow["wide"]],
                )
            )
        page.set_viewport_size(DESKTOP)
        _settle(page)

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]

    def write_report(self) -> None:
        """Every finding, blocking or not, in `test-artifacts/axe-{test}.json`."""
        ARTIFACTS.mkdir(exist_ok=True)
        report = {
            "pages": self.pages,
            "findings": [asdict(finding) for finding in self.findings],
        }
        (ARTIFACTS / f"axe-{self.name}.json").write_text(json.dumps(report, indent=2))


def focus_ring(page: Page) -> str:
    """The outline drawn around the focused element ("none" if there is none): a keyboard
    user's only sign of where they are."""
    outline: str = page.evaluate(
        """() => {
          const style = getComputedStyle(document.activeElement);
          return style.outlineStyle === "none" || style.outlineWidth === "0px"
            ? "none"
            : `${style.outlineWidth} ${style.outlineStyle}`;
        }"""
    )
    return outline


def focused(page: Page) -> str:
    """The focused element, by tag, role and text: enough for a message to say which it is."""
    element: str = page.evaluate(
        """() => {
          const element = document.activeElement;
          const text = element.getAttribute("aria-label") ?? element.textContent ?? "";
          const role = element.getAttribute("role") ?? "";
          return `${element.tagName.toLowerCase()} ${role} ${text.trim().slice(0, 60)}`;
        }"""
    )
    return element
