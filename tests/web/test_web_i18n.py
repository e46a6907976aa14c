"""Languages: Russian by default, English after the switch; every marked string translated."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import polib
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import processfactory.web

WEB = Path(processfactory.web.__file__).parent
RU_PO = WEB / "locale" / "ru" / "LC_MESSAGES" / "django.po"
# every app keeps its own catalog (app/locale/ru/LC_MESSAGES/django.po); Django merges them
RU_POS = sorted(WEB.rglob("locale/ru/LC_MESSAGES/django.po"))


def test_it_speaks_russian_by_default(anonymous_client: Client) -> None:
    page = anonymous_client.get(reverse("login")).content.decode()
    assert '<html lang="ru">' in page
    assert "Войти" in page and "Фабрика процессов" in page


def test_it_speaks_english_after_switching(anonymous_client: Client) -> None:
    response = anonymous_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = anonymous_client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page and "Войти" not in page


def test_it_switches_back_to_russian(anonymous_client: Client) -> None:
    anonymous_client.post(reverse("set_language"), {"language": "en"})
    anonymous_client.post(reverse("set_language"), {"language": "ru"})
    assert "Войти" in anonymous_client.get(reverse("login")).content.decode()


def test_it_offers_the_switch_on_every_page(manager_a_client: Client) -> None:
    page = manager_a_client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in page
    assert 'value="en"' in page and 'value="ru"' in page


# ---------------------------------------------------------------------------------------------
# The catalog

_GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
_PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')""")


def marked_strings() -> set[tuple[str | None, str]]:
    """(context, msgid) of every string marked in the web package: gettext calls with a literal
    in Python, ``{% translate "…" %}`` in templates. (``blocktranslate`` blocks are not read:
    check those by rendering the page in Russian.)"""
    found: set[tuple[str | None, str]] = set()
    for path in WEB.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if node.func.id in _GETTEXT and args and isinstance(args[0], str):
                found.add((None, args[0]))
            elif node.func.id in _PGETTEXT and len(args) > 1 and isinstance(args[1], str):
                found.add((args[0], args[1]))
    for path in WEB.rglob("*.html"):
        for match in _TAG.finditer(path.read_text(encoding="utf-8")):
            found.add((None, match.group(1) if match.group(1) is not None else match.group(2)))
    return found


def test_it_translates_every_marked_string_into_russian() -> None:
    translated = {
        (e.msgctxt, e.msgid) for po in RU_POS for e in polib.pofile(str(po)).translated_entries()
    }
    missing = sorted(marked_strings() - translated, key=str)
    assert missing == [], f"add these to the app's locale/ru/LC_MESSAGES/django.po: {missing}"


def test_it_keeps_python_format_placeholders_in_translations() -> None:
    for entry in (e for po in RU_POS for e in polib.pofile(str(po)).translated_entries()):
        placeholders = set(re.findall(r"%\(\w+\)[sd]", entry.msgid))
        assert placeholders == set(re.findall(r"%\(\w+\)[sd]", entry.msgstr)), entry.msgid


def test_it_compiles_translations_to_mo_without_gettext(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(RU_PO.parent.parent.parent, locale, ignore=shutil.ignore_patterns("*.mo"))
    call_command("compiletranslations", locale_dir=[locale], verbosity=0)
    mo = locale / "ru" / "LC_MESSAGES" / "django.mo"
    assert mo.exists()
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(mo))}
    assert compiled["Log in"] == "Войти"
