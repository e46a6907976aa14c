"""Pages and static files: the base layout, the vendored browser libraries, the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from processfactory.web.registry import models

VENDOR_FILES = (
    "vendor/htmx/htmx.min.js",
    "vendor/vega/vega.min.js",
    "vendor/vega-lite/vega-lite.min.js",
    "vendor/vega-embed/vega-embed.min.js",
    "processfactory/site.css",
)


@pytest.mark.parametrize("path", VENDOR_FILES)
def test_it_serves_browser_libraries_from_its_own_static_files(path: str) -> None:
    assert finders.find(path) is not None, f"{path}: run `make` (npm ci)"


def test_it_loads_htmx_and_vega_from_static_not_a_cdn(manager_a_client: Client) -> None:
    page = manager_a_client.get(reverse("home")).content.decode()
    for path in VENDOR_FILES:
        assert f'src="/static/{path}"' in page or f'href="/static/{path}"' in page
    assert "cdn" not in page.lower()


def test_it_shows_the_user_and_a_logout_button(manager_a_client: Client) -> None:
    page = manager_a_client.get(reverse("home")).content.decode()
    assert "Anna Managerova" in page and "Выйти" in page


def test_it_shows_no_menu_to_a_user_without_a_role(
    outsider_client: Client, manager_a_client: Client
) -> None:
    # every link would answer 403: the outsider sees only the home page asking for access
    lists = [reverse("registry:factory_list"), reverse("trainings:training_list")]
    outsider_home = outsider_client.get(reverse("home")).content.decode()
    manager_home = manager_a_client.get(reverse("home")).content.decode()
    assert all(f'href="{url}"' not in outsider_home for url in lists)
    assert all(f'href="{url}"' in manager_home for url in lists)


def test_it_shows_the_admin_link_to_staff_only(manager_a: User, coordinator: User) -> None:
    admin_link = f'href="{reverse("admin:index")}"'
    coordinator.is_staff = True
    coordinator.save()
    assert admin_link not in _home(manager_a)
    assert admin_link in _home(coordinator)


def _home(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


@pytest.fixture
def admin_client_(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.parametrize(
    "model",
    [
        models.Factory,
        models.Trainer,
        models.Enterprise,
        models.Participant,
        models.Training,
        models.Registration,
        models.Certificate,
        models.Feedback,
        models.ProgrammeTarget,
        models.ApiToken,
    ],
)
def test_it_has_an_admin_for_every_model(
    admin_client_: Client, model: type, training_a: models.Training
) -> None:
    name = model._meta.model_name  # type: ignore[attr-defined]
    changelist = admin_client_.get(reverse(f"admin:registry_{name}_changelist") + "?q=a")
    assert changelist.status_code == 200
    if model is not models.ApiToken:
        assert admin_client_.get(reverse(f"admin:registry_{name}_add")).status_code == 200
