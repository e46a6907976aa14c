"""The dashboard page and its XLSX export: who may open them, the seed's numbers, both languages."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web import demo
from processfactory.web.dashboard.figures import programme_figures
from processfactory.web.registry.models import Factory, Training
from web.base import client_for, make_training

INDEX = reverse("dashboard:index")
EXPORT = reverse("dashboard:export")
NBSP = "\xa0"


@pytest.fixture
def demo_coordinator(db: None) -> Client:
    demo.load_demo()
    return client_for(User.objects.get(username="coordinator"))


def _english(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "en"})
    return client


# ---------------------------------------------------------------------------------------------
# Who may open it


def test_it_shows_the_dashboard_to_the_coordinator(coordinator_client: Client) -> None:
    assert coordinator_client.get(INDEX).status_code == 200


def test_it_shows_the_dashboard_to_a_manager(manager_a_client: Client) -> None:
    assert manager_a_client.get(INDEX).status_code == 200


def test_it_refuses_the_dashboard_to_a_trainer(trainer_a_client: Client) -> None:
    assert trainer_a_client.get(INDEX).status_code == 403
    assert trainer_a_client.get(EXPORT).status_code == 403


def test_it_refuses_the_dashboard_to_an_outsider(outsider_client: Client) -> None:
    assert outsider_client.get(INDEX).status_code == 403
    assert outsider_client.get(EXPORT).status_code == 403


def test_it_sends_anonymous_users_to_the_login_page(anonymous_client: Client) -> None:
    for url in (INDEX, EXPORT):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_highlights_the_managers_own_factory(
    manager_a_client: Client, factory_a: Factory, factory_b: Factory
) -> None:
    page = manager_a_client.get(INDEX).content.decode()
    row = page.split('<tr class="highlighted">')[1].split("</tr>")[0]
    assert factory_a.name in row
    assert factory_b.name in page and page.count('<tr class="highlighted">') == 1


def test_it_lists_only_the_managers_trainings_by_training(
    manager_a_client: Client, factory_a: Factory, factory_b: Factory
) -> None:
    import datetime

    day = datetime.date(2021, 10, 1)
    make_training(factory_a, date=day, status=Training.Status.HELD)
    make_training(factory_b, date=day, status=Training.Status.HELD)
    page = manager_a_client.get(INDEX + "?as_of=2021-11-30").content.decode()
    table = page.split('id="table-trainings"')[1].split("</section>")[0]
    assert factory_a.name in table and factory_b.name not in table


# ---------------------------------------------------------------------------------------------
# The seed's figures


def test_it_shows_the_seeds_figures(demo_coordinator: Client) -> None:
    page = demo_coordinator.get(INDEX).content.decode()
    figures = programme_figures()
    assert 'id="key-enterprises">27<' in page
    assert 'id="key-sustaining">7<' in page
    assert f'id="key-people">{figures.people_trained}<' in page
    people = page.split('id="table-people"')[1].split("</section>")[0]
    assert "441" in people and f"1{NBSP}330" in people
    enterprises = page.split('id="table-enterprises"')[1].split("</section>")[0]
    for number in ("22", "27", "39", "101"):
        assert f">{number}<" in enterprises
    assert "Демо-данные" in page and "Ленинградская область" in page


def test_it_draws_the_charts_from_static_vega(demo_coordinator: Client) -> None:
    page = demo_coordinator.get(INDEX).content.decode()
    assert "vendor/vega-embed/vega-embed.min.js" in page and "dashboard/charts.js" in page
    assert page.count('<script id="chart-') == 4
    assert '"$schema": "https://vega.github.io/schema/vega-lite' in page
    assert "cdn" not in page.lower()


def test_it_speaks_russian_by_default(demo_coordinator: Client) -> None:
    page = demo_coordinator.get(INDEX).content.decode()
    assert "Обученные: план и факт" in page and "Прогноз на конец 2024 года" in page
    assert "Trained people: plan vs fact" not in page


def test_it_speaks_english_after_switching(demo_coordinator: Client) -> None:
    page = _english(demo_coordinator).get(INDEX).content.decode()
    assert "Trained people: plan vs fact" in page and "Forecast for the end of 2024" in page
    assert "1,330" in page and "Demo data" in page
    assert "Обученные: план и факт" not in page


def test_it_filters_the_breakdowns_by_year_and_factory(demo_coordinator: Client) -> None:
    kirovsk = Factory.objects.get(name=demo.KIROVSK)
    response = demo_coordinator.get(INDEX, {"year": "2021", "factory": kirovsk.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "По фабрикам за 2021 год" in page
    assert 'id="key-enterprises">27<' in page  # the region's, whatever the factory


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "twenty"}, "Год — целое число, например 2021."),
        ({"year": "2023"}, "За 2023 год показателей нет"),
        ({"factory": "999999"}, "Такой фабрики нет."),
        ({"as_of": "30.11.2021"}, "Введите дату в виде ГГГГ-ММ-ДД"),
        ({"as_of": "2050-01-01"}, "Дата должна быть в пределах"),
    ],
)
def test_it_explains_a_bad_filter(
    demo_coordinator: Client, query: dict[str, str], message: str
) -> None:
    response = demo_coordinator.get(INDEX, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert demo_coordinator.get(EXPORT, query).status_code == 400


# ---------------------------------------------------------------------------------------------
# The export


def _workbook(client: Client, query: dict[str, str] | None = None) -> openpyxl.Workbook:
    response = client.get(EXPORT, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "programme-dashboard-2021-11-30.xlsx" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]


def test_it_exports_the_same_numbers_to_xlsx(demo_coordinator: Client) -> None:
    book = _workbook(demo_coordinator)
    figures = programme_figures()
    # the cover, then the page's tables in order: people, enterprises, forecast, ...
    assert book.sheetnames[:2] == ["Программа", "Обученные план и факт"]
    people = {row[0]: row for row in _rows(book.worksheets[1])}
    assert people[2021][4] == figures.people_trained and people[2021][5] == 441
    assert people[2024][5] == 1330 and people[2022][6] == "интерполирована"
    enterprises = {row[0]: row for row in _rows(book.worksheets[2])}
    assert (enterprises[2020][1], enterprises[2021][1], enterprises[2021][2]) == (22, 5, 27)
    assert (enterprises[2021][3], enterprises[2024][3]) == (39, 101)
    forecast = {row[0]: row for row in _rows(book.worksheets[3])}
    assert forecast["Прогноз"][1:] == (
        figures.forecast.people_forecast,
        figures.forecast.enterprises_forecast,
    )
    cover = {row[0]: row[1] for row in book["Программа"].iter_rows(values_only=True) if row[0]}
    assert cover["Предприятия на этапе поддержки"] == 7


def test_it_exports_in_english_after_switching(demo_coordinator: Client) -> None:
    book = _workbook(_english(demo_coordinator), {"year": "2021"})
    assert "Trained people plan vs fact" in book.sheetnames
    assert "By factory in 2021" in book.sheetnames
    rows = _rows(book["By category in 2021"])
    assert {row[0] for row in rows} == {"enterprise employee", "student", "public officer"}
    assert sum(row[1] for row in rows) >= programme_figures().people_trained
