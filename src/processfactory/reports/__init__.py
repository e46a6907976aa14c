"""The debrief report of a game: round KPIs, charts, levers and KPI definitions.

``render_debrief_html`` / ``write_debrief_html`` make one self-contained, print-ready HTML file
(English or Russian) from a :class:`~processfactory.rounds.RoundsComparison`;
``write_debrief_xlsx`` writes the same figures to an XLSX workbook::

    from processfactory.rounds import compare_rounds
    from processfactory.reports import write_debrief_html, write_debrief_xlsx

    comparison = compare_rounds("assembly", replications=10, events=True)
    write_debrief_html(comparison, "debrief.html", lang="ru")
    write_debrief_xlsx(comparison, "debrief.xlsx", lang="ru")

The per-round charts that read the event log (the spaghetti diagram, the stations of the
cumulative flow) need ``events=True``; without it the report says which charts it left out.
"""

from processfactory.reports.debrief import render_debrief_html, write_debrief_html
from processfactory.reports.workbook import write_debrief_xlsx

__all__ = ["render_debrief_html", "write_debrief_html", "write_debrief_xlsx"]
