"""Helpers of the end-to-end tests (no tests here): what the browser did wrong, a participant
list as an XLSX file, and reading numbers off pages.

``BrowserLog`` listens to a Playwright browser context: console errors, uncaught page errors,
requests that failed or answered 4xx/5xx, and requests to any host but the live server's
(the app serves its JavaScript itself, never from a CDN). One failure is not a problem: a
request the browser cancelled (``net::ERR_ABORTED``) because its page went on to another
document first, as when a participant submits a form before its script has arrived.
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
# how Chromium reports a request it cancelled itself
ABORTED = "net::ERR_ABORTED"


@dataclasses.dataclass
class BrowserLog:
    """Everything that went wrong in the watched browser contexts, one line each."""

    found: list[str] = dataclasses.field(default_factory=list)
    # documents each frame has shown so far, and the cancelled requests with the count their
    # frame had when they were sent (the cancellation and the next document's arrival may be
    # reported in either order, so they are matched when the problems are read)
    _documents: dict[Any, int] = dataclasses.field(default_factory=dict)
    _cancelled: list[tuple[str, Any, int]] = dataclasses.field(default_factory=list)
    _sent_in: dict[Any, int] = dataclasses.field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        """What went wrong, less the requests cancelled because their page moved on."""
        left = [line for line, frame, seen in self._cancelled if self._documents[frame] == seen]
        return self.found + left

    def watch(self, context: Any) -> Any:
        context.on("page", self._on_page)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.found.append(f"page error: {error.error}"))
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)
        context.on("request", self._on_request)
        context.on("requestfinished", lambda request: self._sent_in.pop(request, None))
        return context

    def _on_page(self, page: Any) -> None:
        page.on("framenavigated", self._on_document)

    def _on_document(self, frame: Any) -> None:
        self._documents[frame] = self._documents.get(frame, 0) + 1

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.found.append(f"console error: {message.text} ({message.location})")

    def _on_request_failed(self, request: Any) -> None:
        line = f"request failed: {request.method} {request.url}: {request.failure}"
        sent_in = self._sent_in.pop(request, None)
        if request.failure == ABORTED and sent_in is not None:
            self._cancelled.append((line, request.frame, sent_in))
        else:
            self.found.append(line)

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            method = response.request.method
            self.found.append(f"HTTP {response.status}: {method} {response.url}")

    def _on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS:
            self.found.append(f"request leaves the live server: {request.url}")
        if not request.is_navigation_request():
            frame = request.frame
            self._sent_in[request] = self._documents.setdefault(frame, 0)


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
