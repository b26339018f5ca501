"""A newcomer, in the browser: signs up, verifies, imports a CSV, filters it, downloads the result."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from outsend_deploy.local import LocalPlatform
from tests.support.api import PASSWORD, link_token, wait_for_mail
from tests.support.browser import chromium
from tests.support.platform import INVITE_CODE

CSV = "Name;Website;Rating\nCabinet A;https://a.fr;4,5\nCabinet B;;3.1\nCabinet C;https://c.fr;4.9\n"


def test_signup_verify_import_filter_download_in_the_browser(platform: LocalPlatform) -> None:
    address = f"newcomer-{uuid.uuid4().hex[:8]}@example.com"
    with chromium() as browser:
        page = browser.new_page(base_url=platform.base_url, accept_downloads=True)
        page.goto("/#/signup")
        page.fill("#email", address)
        page.fill("#password", PASSWORD)
        page.fill("#invitation_code", INVITE_CODE)
        page.check("input[name=accept_responsibility]")
        page.click("button[type=submit]")
        page.get_by_text("Confirme ton adresse email").wait_for()

        mail = wait_for_mail(platform, address)
        page.goto(f"/verify-email?token={link_token(mail)}")
        page.get_by_text("Adresse confirmée").wait_for()

        page.goto("/#/new")
        # techstack is declared but no worker serves it: listed, greyed out, not launchable
        expect(page.locator("select[name=module] option[value=techstack]")).to_be_disabled()
        expect(page.locator("main")).to_contain_text("Indisponibles pour le moment")
        page.select_option("select[name=module]", "import")
        page.fill("#text", CSV)
        page.click("button[type=submit]")
        page.get_by_role("link", name="Télécharger CSV").wait_for()
        expect(page.locator("main")).to_contain_text("« Website » → site_web")
        import_id = page.url.rsplit("/", 1)[1]

        page.goto("/#/new")
        page.select_option("select[name=module]", "filter")
        page.select_option("select[name=source_job_id]", import_id)
        # the filter's form is generated from its declared options
        page.fill("#rating_min", "4")
        page.select_option("#require_site", "true")
        page.click("button[type=submit]")
        page.get_by_role("link", name="Télécharger CSV").wait_for()
        expect(page.locator(".log")).to_contain_text("2 ligne(s) gardée(s) sur 3")

        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger CSV").click()
        content = download.value.path().read_text(encoding="utf-8-sig")
        assert content.splitlines() == ["nom;site_web;note", "Cabinet A;https://a.fr;4,5", "Cabinet C;https://c.fr;4.9"]

        # A scrap's form is its declared options: queries and zones one per line, the mode chosen.
        page.goto("/#/new")
        page.select_option("select[name=module]", "scrap")
        expect(page.locator("textarea#queries")).to_be_visible()
        expect(page.locator("textarea#zones")).to_be_visible()
        expect(page.locator("select#mode option")).to_have_text(["fast", "advanced", "ultra"])
        expect(page.locator("select#mode")).to_have_value("fast")
