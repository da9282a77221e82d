"""Production's static files: collectstatic with the manifest storage succeeds, and pages
render with DEBUG off from what it collected (a missing file there is a 500 on every page)."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from liaison import settings as production
from liaison.core.staticfiles import VendorFinder

STATIC_REFERENCE = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")
LINKED_ASSET = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as production runs it, into a folder of its own; the tests of the
    module then run with that storage and folder."""
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": production.STORAGES["staticfiles"]}
    assert "Manifest" in storages["staticfiles"]["BACKEND"]
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def template_assets() -> set[str]:
    return {
        asset
        for template in settings.BASE_DIR.rglob("templates/**/*.html")
        for asset in STATIC_REFERENCE.findall(template.read_text())
    }


def test_every_asset_a_template_names_is_collected_under_a_hashed_name(collected):
    from django.contrib.staticfiles.storage import staticfiles_storage

    assets = template_assets()
    assert "vendor/tabler/css/tabler.min.css" in assets and "liaison/liaison.css" in assets
    for asset in assets:
        hashed = staticfiles_storage.stored_name(asset)
        assert hashed != asset and (collected / hashed).is_file(), asset


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_pages_and_the_files_they_link_are_served_with_debug_off(collected, db, client, url):
    page = client.get(url)
    assert page.status_code == 200
    assets = LINKED_ASSET.findall(page.content.decode())
    assert any(asset.endswith(".css") for asset in assets), assets
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        answer.close()


def test_the_api_documentation_renders_with_debug_off(collected, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui" in page.content.decode()
    assert client.get("/api/schema/").status_code == 200


def test_the_api_answers_a_browser_in_json_outside_debug(db, client):
    answer = client.get("/api/v1/matters/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert answer.status_code in (401, 403)
    assert answer["Content-Type"] == "application/json"


def test_a_missing_front_end_file_is_reported_by_the_checks(settings):
    settings.VENDOR_STATIC_FILES = {"vendor/htmx": ("htmx.org/dist", ["htmx.gone.js"])}
    errors = VendorFinder().check()
    assert [error.id for error in errors] == ["liaison.E001"]
    assert "vendor/htmx/htmx.gone.js" in errors[0].msg
