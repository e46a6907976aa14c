"""Render chart specs to SVG, PNG or a self-contained HTML page with vl-convert.

The spec is the same everywhere: a report embeds ``to_svg``'s output inline, the web page
renders the spec with vega-embed, the CLI writes any of the three. Numbers on axes follow the
chart's language (``usermeta`` set by the builders): ``1,234.5`` in English, ``1 234,5`` in
Russian. ``to_html`` bundles Vega, Vega-Lite and vega-embed into the page itself: it loads
nothing from the network and has no "open in editor" link.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Literal

from processfactory.charts.base import META_KEY, Chart, ChartError

SUFFIXES = (".svg", ".png", ".html")
"""Output file types ``save`` writes, chosen by the file's suffix."""

_LOCALES: dict[str, Literal["en-US", "ru-RU"]] = {"en": "en-US", "ru": "ru-RU"}


def chart_spec(chart: Chart | dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec (a dict) of an Altair chart; a dict is returned as it is."""
    if isinstance(chart, dict):
        return chart
    spec: dict[str, Any] = chart.to_dict()
    return spec


def chart_lang(spec: dict[str, Any], lang: str | None = None) -> str:
    """``lang`` if given, else the language the builder recorded in the spec (default en)."""
    if lang is None:
        meta = spec.get("usermeta", {}).get(META_KEY, {})
        lang = str(meta.get("lang", "en"))
    if lang not in _LOCALES:
        raise ChartError(f"unknown language {lang!r}; use one of {', '.join(_LOCALES)}")
    return lang


def chart_title(spec: dict[str, Any]) -> str:
    """The spec's title text ('' without one)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title)


def to_svg(chart: Chart | dict[str, Any], *, lang: str | None = None) -> str:
    """The chart as an SVG document (text)."""
    import vl_convert as vlc

    spec = chart_spec(chart)
    svg: str = vlc.vegalite_to_svg(spec, format_locale=_LOCALES[chart_lang(spec, lang)])
    return svg


def to_png(chart: Chart | dict[str, Any], *, scale: float = 2.0, lang: str | None = None) -> bytes:
    """The chart as a PNG image; ``scale`` 2 gives crisp print and high-DPI screens."""
    import vl_convert as vlc

    spec = chart_spec(chart)
    png: bytes = vlc.vegalite_to_png(
        spec, scale=scale, format_locale=_LOCALES[chart_lang(spec, lang)]
    )
    return png


def to_html(
    chart: Chart | dict[str, Any], *, title: str | None = None, lang: str | None = None
) -> str:
    """A self-contained HTML page showing the chart (all JavaScript inline, no network)."""
    import vl_convert as vlc

    spec = chart_spec(chart)
    language = chart_lang(spec, lang)
    page: str = vlc.vegalite_to_html(
        spec, bundle=True, format_locale=_LOCALES[language], renderer="svg"
    )
    page_title = html.escape(title if title is not None else chart_title(spec) or "Chart")
    page = page.replace("<title>Chart</title>", f"<title>{page_title}</title>", 1)
    page = page.replace("<html>", f'<html lang="{language}">', 1)
    # vega-embed's action menu links to the online Vega editor; a self-contained page has none
    page = page.replace(
        'const opts = {"renderer":"svg"', 'const opts = {"actions":false,"renderer":"svg"', 1
    )
    return page


def output_format(path: str | os.PathLike[str]) -> str:
    """The output suffix of ``path`` (``.svg``, ``.png`` or ``.html``); ``ChartError`` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        shown = repr(Path(path).suffix) if Path(path).suffix else "no suffix"
        raise ChartError(
            f"cannot write a chart to {os.fspath(path)!r} ({shown}); "
            f"use one of {', '.join(SUFFIXES)}"
        )
    return suffix


def save(
    chart: Chart | dict[str, Any], path: str | os.PathLike[str], *, lang: str | None = None
) -> Path:
    """Write the chart to ``path`` as SVG, PNG or HTML, by its suffix; returns the path."""
    target = Path(path)
    fmt = output_format(target)
    if fmt == ".png":
        target.write_bytes(to_png(chart, lang=lang))
    elif fmt == ".svg":
        target.write_text(to_svg(chart, lang=lang), encoding="utf-8")
    else:
        target.write_text(to_html(chart, lang=lang), encoding="utf-8")
    return target


__all__ = [
    "SUFFIXES",
    "chart_lang",
    "chart_spec",
    "chart_title",
    "output_format",
    "save",
    "to_html",
    "to_png",
    "to_svg",
]
