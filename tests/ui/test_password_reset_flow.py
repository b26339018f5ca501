"""Someone who forgot their password, in the browser: asks for a link, follows it, signs in again."""

from __future__ import annotations

from outsend_deploy.local import LocalPlatform
from tests.support.api import Api, link_token, wait_for_mail
from tests.support.browser import chromium

NEW_PASSWORD = "babbage-1822"


def test_forgot_password_link_and_new_password(platform: LocalPlatform, user: Api) -> None:
    with chromium() as browser:
        page = browser.new_page(base_url=platform.base_url)
        page.goto("/#/login")
        page.get_by_role("link", name="Mot de passe oublié ?").click()
        page.fill("#email", user.email)
        page.click("button[type=submit]")
        page.get_by_text("Vérifie tes emails").wait_for()

        mail = wait_for_mail(platform, user.email, count=2)
        assert mail["Subject"] == "Réinitialise ton mot de passe outsend"
        page.goto(f"/reset-password?token={link_token(mail)}")
        page.fill("#new_password", NEW_PASSWORD)
        page.click("button[type=submit]")
        page.get_by_text("Mot de passe changé").wait_for()

        page.get_by_role("link", name="Se connecter").click()
        page.fill("#email", user.email)
        page.fill("#password", NEW_PASSWORD)
        page.click("button[type=submit]")
        page.get_by_text(user.email).wait_for()
