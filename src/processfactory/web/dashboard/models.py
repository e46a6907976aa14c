"""Programme-wide settings of the dashboard: the region, the figures' date, demo or not."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeSettings(models.Model):
    """One row (``ProgrammeSettings.current()``) describing the programme the dashboard reports on.

    ``as_of``: the date the dashboard's figures are of (empty: today). A demo database sets it to
    the demo's last day, so the figures stay the same whenever the demo is opened.
    ``is_demo``: the data are generated demo data (``manage.py loaddemo``); every page says so.
    """

    region_name = models.CharField(_("region"), max_length=200, blank=True)
    as_of = models.DateField(_("figures as of"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")

    def __str__(self) -> str:
        return str(self.region_name or _("programme settings"))

    @classmethod
    def current(cls) -> ProgrammeSettings | None:
        """The settings row (the first one), or ``None`` when none was saved."""
        return cls.objects.order_by("pk").first()

    @classmethod
    def figures_date(cls, today: datetime.date) -> datetime.date:
        """The settings' ``as_of`` if set, else ``today``."""
        current = cls.current()
        if current is not None and current.as_of is not None:
            return current.as_of
        return today
