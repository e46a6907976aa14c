"""Helpers of the end-to-end tests (no tests here): what the browser did wrong, a participant
list as an XLSX file, and reading numbers off pages.

``BrowserLog`` listens to a Playwright browser context: console errors, uncaught page errors,
requests that failed or answered 4xx/5xx, and requests to any host but the live server's
(the app serves its JavaScript itself, never from a CDN).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from openpyxl import Workbook

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
# URLs that never reach a network: inline data, blobs, the blank page
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


@dataclasses.dataclass
class BrowserLog:
    """Everything that went wrong in the watched browser contexts, one line each."""

    problems: list[str] = dataclasses.field(default_factory=list)

    def watch(self, context: Any) -> Any:
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)
        context.on("request", self._on_request)
        return context

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location})")

    def _on_request_failed(self, request: Any) -> None:
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            method = response.request.method
            self.problems.append(f"HTTP {response.status}: {method} {response.url}")

    def _on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS:
            self.problems.append(f"request leaves the live server: {request.url}")


# ---------------------------------------------------------------------------------------------
# A participant list, as a coordinator would fill in the import template (Russian headers)

HEADERS = ("ФИО", "Категория", "Организация", "ИНН предприятия", "Электронная почта", "Телефон")

STUDENTS = (
    "Алексеева Дарья Игоревна",
    "Белов Никита Андреевич",
    "Васильева Полина Сергеевна",
    "Григорьев Артём Олегович",
    "Данилова Ксения Павловна",
    "Егоров Максим Дмитриевич",
    "Жукова Алина Романовна",
    "Зайцев Илья Викторович",
)
EMPLOYEES = (
    "Иванова Мария Петровна",
    "Козлов Сергей Николаевич",
    "Лебедева Ольга Александровна",
    "Морозов Павел Евгеньевич",
)
COLLEGE = "Кировский политехнический техникум"


def participants_xlsx(path: Path, enterprise_inn: str) -> list[str]:
    """Write 12 people (8 students, 4 employees of the enterprise with ``enterprise_inn``) to an
    XLSX file at ``path``; returns their names in the file's order."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Участники"
    sheet.append(HEADERS)
    names = []
    for number, name in enumerate(STUDENTS, start=1):
        sheet.append((name, "студент", COLLEGE, "", f"student{number}@kpt.example", ""))
        names.append(name)
    for number, name in enumerate(EMPLOYEES, start=1):
        phone = f"+7 815 55{number:d}-12-3{number:d}"
        email = f"employee{number}@zavod.example"
        sheet.append((name, "сотрудник предприятия", "", enterprise_inn, email, phone))
        names.append(name)
    book.save(path)
    return names


def number_in(text: str) -> int:
    """The whole number shown in ``text`` (digits only: "1 234" → 1234)."""
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)
