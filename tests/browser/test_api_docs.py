"""``/api/v1/docs/``: Swagger UI renders the schema from the site's own files, under the site's
Content Security Policy (no ``unsafe-inline``), with nothing blocked."""

from playwright.sync_api import expect

# Playwright's init scripts run before the page's own, outside its CSP.
COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`);
});
"""


def test_the_api_docs_render_from_local_files_with_nothing_blocked_by_the_csp(
    transactional_db, page, live_server
):
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.add_init_script(COLLECT_VIOLATIONS)

    response = page.goto("/api/v1/docs/")
    assert "script-src" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="SMK — API integracyjne")).to_be_visible()
    # The operations came from the schema: the token endpoint and a unit's decision.
    expect(page.get_by_text("/api/v1/oauth/token/")).to_be_visible()
    expect(page.get_by_text("/api/v1/referrals/{id}/accept/")).to_be_visible()
    page.get_by_text("/api/v1/referrals/{id}/accept/").click()  # expands: more of the UI runs
    expect(page.get_by_text("Idempotency-Key").first).to_be_visible()

    assert page.evaluate("window.cspViolations") == []
    assert errors == []
    assert foreign == []
