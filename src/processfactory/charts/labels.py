"""Titles, axis names and legend entries of every chart, in English and Russian.

One flat dictionary per language; ``label(key, lang, **values)`` looks a text up and fills its
``{placeholders}``. This is the charts' whole i18n: no gettext, no locale machinery.
"""

from __future__ import annotations

LANGS = ("en", "ru")

TIME_UNITS: dict[str, dict[str, str]] = {
    "en": {"s": "s", "min": "min", "h": "h"},
    "ru": {"s": "с", "min": "мин", "h": "ч"},
}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        # shared
        "station": "Station",
        "time": "Time ({unit})",
        "units": "Units",
        "warmup": "Warm-up (not counted)",
        "window": "Observed window",
        # yamazumi
        "yamazumi.title": "Yamazumi: time per unit at each station against takt",
        "yamazumi.plan": "Planned from the scenario's mean operation times",
        "yamazumi.measured": "Measured in the run: station time per unit completed",
        "yamazumi.axis": "Time per unit ({unit})",
        "yamazumi.element": "Work element",
        "yamazumi.takt": "Takt {value} {unit}",
        "yamazumi.no_takt": "no takt time: the scenario has no demand",
        "yamazumi.cycle_time": "Measured cycle time",
        "yamazumi.ticks": "black ticks: measured cycle time",
        "element.operation_va": "Operation (value-added)",
        "element.operation_nva": "Operation (non-value-added)",
        "element.setup": "Setup",
        "element.waiting_operator": "Waiting for an operator (walking)",
        "element.down": "Breakdowns",
        # cumulative flow and WIP
        "cfd.title": "Cumulative flow",
        "cfd.subtitle": "Units released, done at each station and exited, counted from the start",
        "cfd.axis": "Units (cumulative)",
        "cfd.series": "Flow",
        "cfd.released": "Released",
        "cfd.exited": "Exited",
        "cfd.done": "Done: {station}",
        "wip.title": "Work in process over time",
        "wip.subtitle": "Released, unfinished units; time-average over the window {value}",
        "wip.axis": "WIP (units)",
        "wip.mean": "Time-average WIP",
        # lead time
        "lt.hist.title": "Lead time distribution",
        "lt.hist.subtitle": "{n} units exiting in the window; mean {mean}, median {median}, "
        "90th percentile {p90} {unit}",
        "lt.axis": "Lead time ({unit})",
        "lt.mean": "Mean",
        "lt.median": "Median",
        "lt.p90": "90th percentile",
        "lt.statistic": "Statistic",
        "cc.title": "Lead time control chart (individuals)",
        "cc.subtitle": "Mean (CL) {mean} {unit}; control limits (UCL, LCL) ±3σ, "
        "σ = mean moving range ÷ 1.128 = {sigma}",
        "cc.subtitle_last": "; the last {shown} of {n} units shown",
        "cc.axis_x": "Unit, in order of exit",
        "cc.centre": "Centre line (mean)",
        "cc.ucl": "Upper control limit",
        "cc.lcl": "Lower control limit",
        "cc.ucl_short": "UCL",
        "cc.centre_short": "CL",
        "cc.lcl_short": "LCL",
        "cc.in": "Within the limits",
        "cc.out": "Outside the limits",
        "cc.point": "Unit",
        # frontier
        "fr.title": "Throughput and lead time against WIP",
        "fr.subtitle": "Bottleneck rate r_b = {rb} units/{unit}, raw process time T0 = {t0} "
        "{unit}, critical WIP W0 = {w0} units",
        "fr.th_title": "Throughput",
        "fr.ct_title": "Lead time",
        "fr.axis_w": "WIP w (units)",
        "fr.axis_th": "Throughput (units/{unit})",
        "fr.axis_ct": "Lead time ({unit})",
        "fr.case": "Case",
        "fr.best": "Best case",
        "fr.pwc": "Practical worst case",
        "fr.worst": "Worst case",
        "fr.measured": "Measured",
        "fr.w0": "W0",
        # value stream map
        "vsm.title": "Value stream map",
        "vsm.subtitle": "{scenario}: means over the {n} units exiting in the observed window",
        "vsm.op_time": "Op. time {value} {unit}",
        "vsm.cycle_time": "C/T {value} {unit}",
        "vsm.changeover": "C/O {value} {unit}",
        "vsm.utilization": "Utilization {value}",
        "vsm.uptime": "Uptime {value}",
        "vsm.servers": "{n} workplaces",
        "vsm.inventory": "{value} units",
        "vsm.to_exit": "to exit",
        "vsm.lead_time": "Lead time {value} {unit}",
        "vsm.processing": "Processing {value} {unit}",
        "vsm.value_added": "Value-added time {value} {unit}",
        "vsm.pce": "PCE {value}",
        # spaghetti
        "sp.title": "Spaghetti diagram",
        "sp.subtitle": "Walking inside the observed window: {distance} m in total",
        "sp.x": "x (m)",
        "sp.y": "y (m)",
        "sp.kind": "Movement",
        "sp.material": "Units carried",
        "sp.operator": "Operator walks",
        "sp.trips": "Trips",
        "sp.distance": "Metres per trip",
        "sp.total": "Metres in total",
        "sp.route": "Route",
    },
    "ru": {
        "station": "Станция",
        "time": "Время ({unit})",
        "units": "Единицы",
        "warmup": "Разогрев (не учитывается)",
        "window": "Период наблюдения",
        "yamazumi.title": "Диаграмма Ямазуми: время на единицу по станциям в сравнении с тактом",
        "yamazumi.plan": "План по средним временам операций сценария",
        "yamazumi.measured": "Факт прогона: время станции на одну выполненную единицу",
        "yamazumi.axis": "Время на единицу ({unit})",
        "yamazumi.element": "Элемент работы",
        "yamazumi.takt": "Такт {value} {unit}",
        "yamazumi.no_takt": "время такта не задано: в сценарии нет спроса",
        "yamazumi.cycle_time": "Измеренное время цикла",
        "yamazumi.ticks": "чёрные метки: измеренное время цикла",
        "element.operation_va": "Операция (добавляет ценность)",
        "element.operation_nva": "Операция (не добавляет ценности)",
        "element.setup": "Переналадка",
        "element.waiting_operator": "Ожидание оператора (ходьба)",
        "element.down": "Поломки",
        "cfd.title": "Накопительная диаграмма потока",
        "cfd.subtitle": "Единицы, запущенные, обработанные на каждой станции и вышедшие, "
        "нарастающим итогом",
        "cfd.axis": "Единицы (нарастающим итогом)",
        "cfd.series": "Поток",
        "cfd.released": "Запущено",
        "cfd.exited": "Вышло",
        "cfd.done": "Готово: {station}",
        "wip.title": "Незавершённое производство во времени",
        "wip.subtitle": "Запущенные и не законченные единицы; среднее по времени за период "
        "наблюдения {value}",
        "wip.axis": "НЗП (единиц)",
        "wip.mean": "Среднее по времени НЗП",
        "lt.hist.title": "Распределение времени прохождения",
        "lt.hist.subtitle": "{n} единиц вышло за период наблюдения; среднее {mean}, "
        "медиана {median}, 90-й процентиль {p90} {unit}",
        "lt.axis": "Время прохождения ({unit})",
        "lt.mean": "Среднее",
        "lt.median": "Медиана",
        "lt.p90": "90-й процентиль",
        "lt.statistic": "Показатель",
        "cc.title": "Контрольная карта времени прохождения (индивидуальные значения)",
        "cc.subtitle": "Среднее (ЦЛ) {mean} {unit}; контрольные границы (ВКГ, НКГ) ±3σ, "
        "σ = средний скользящий размах ÷ 1,128 = {sigma}",
        "cc.subtitle_last": "; показаны последние {shown} из {n} единиц",
        "cc.axis_x": "Единица в порядке выхода",
        "cc.centre": "Центральная линия (среднее)",
        "cc.ucl": "Верхняя контрольная граница",
        "cc.lcl": "Нижняя контрольная граница",
        "cc.ucl_short": "ВКГ",
        "cc.centre_short": "ЦЛ",
        "cc.lcl_short": "НКГ",
        "cc.in": "В пределах границ",
        "cc.out": "За границами",
        "cc.point": "Единица",
        "fr.title": "Темп выпуска и время прохождения в зависимости от НЗП",
        "fr.subtitle": "Темп узкого места r_b = {rb} ед./{unit}, чистое время обработки "
        "T0 = {t0} {unit}, критическое НЗП W0 = {w0} ед.",
        "fr.th_title": "Темп выпуска",
        "fr.ct_title": "Время прохождения",
        "fr.axis_w": "НЗП w (единиц)",
        "fr.axis_th": "Темп выпуска (ед./{unit})",
        "fr.axis_ct": "Время прохождения ({unit})",
        "fr.case": "Случай",
        "fr.best": "Лучший случай",
        "fr.pwc": "Практический худший случай",
        "fr.worst": "Худший случай",
        "fr.measured": "Измерено",
        "fr.w0": "W0",
        "vsm.title": "Карта потока создания ценности",
        "vsm.subtitle": "{scenario}: средние по {n} единицам, вышедшим за период наблюдения",
        "vsm.op_time": "Операция {value} {unit}",
        "vsm.cycle_time": "Цикл {value} {unit}",
        "vsm.changeover": "Переналадка {value} {unit}",
        "vsm.utilization": "Загрузка {value}",
        "vsm.uptime": "Готовность {value}",
        "vsm.servers": "Рабочих мест: {n}",
        "vsm.inventory": "{value} ед.",
        "vsm.to_exit": "до выхода",
        "vsm.lead_time": "Время прохождения {value} {unit}",
        "vsm.processing": "Обработка {value} {unit}",
        "vsm.value_added": "Время, добавляющее ценность, {value} {unit}",
        "vsm.pce": "Эффективность цикла (PCE) {value}",
        "sp.title": "Диаграмма спагетти",
        "sp.subtitle": "Перемещения за период наблюдения: всего {distance} м",
        "sp.x": "x (м)",
        "sp.y": "y (м)",
        "sp.kind": "Перемещение",
        "sp.material": "Перенос единиц",
        "sp.operator": "Переходы операторов",
        "sp.trips": "Рейсов",
        "sp.distance": "Метров за рейс",
        "sp.total": "Метров всего",
        "sp.route": "Маршрут",
    },
}


def check_lang(lang: str) -> str:
    """``lang`` if it is a supported language, else ``ChartError`` naming the supported ones."""
    if lang not in LANGS:
        from processfactory.charts.base import ChartError

        raise ChartError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def label(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
    text = LABELS[check_lang(lang)][key]
    return text.format(**values) if values else text


def time_unit(unit: str, lang: str) -> str:
    """A run's time unit (``s``, ``min``, ``h``) as written in ``lang``."""
    return TIME_UNITS[check_lang(lang)].get(unit, unit)


def number(value: float, lang: str, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals: ``1,234.5`` in English, ``1 234,5`` in Russian."""
    if value != value:  # NaN
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def percent(value: float, lang: str, digits: int = 1) -> str:
    """A 0–1 fraction as a percentage: ``12.5%`` / ``12,5 %``."""
    if value != value:
        return "—"
    text = number(100.0 * value, lang, digits)
    return f"{text}\u00a0%" if lang == "ru" else f"{text}%"


__all__ = ["LABELS", "LANGS", "TIME_UNITS", "check_lang", "label", "number", "percent", "time_unit"]
