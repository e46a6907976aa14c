"""Forms of the live game: a new session, the next round's levers, voiding an event, and the
participants' code and join forms (no login)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from processfactory.web.game.models import CODE_LENGTH, GameSession, Seat
from processfactory.web.registry.models import Participant, Training
from processfactory.web.registry.permissions import is_coordinator, trainer_profile

LANGUAGES = (("ru", "Русский"), ("en", "English"))
DEFAULT_ROUND_MINUTES = 30.0
DEFAULT_ONLINE_SPEED = 10.0
UPLOAD_LIMIT = 1_000_000
"""Largest scenario or round plan file accepted (bytes)."""


def current_lang() -> str:
    """The active language as the core's reports take it: ``ru`` or ``en``."""
    return "ru" if (get_language() or "ru").startswith("ru") else "en"


@lru_cache(maxsize=1)
def _builtin_factories() -> tuple[tuple[str, dict[str, str]], ...]:
    """Built-in factories that have a round plan, with their display names by language."""
    from processfactory.scenario.loader import library_names, library_round_plan, load_scenario

    out = []
    for name in library_names():
        if library_round_plan(name) is None:
            continue
        scenario = load_scenario(name)
        out.append((name, {lang: scenario.display_name(lang) for lang in ("en", "ru")}))
    return tuple(out)


def builtin_factory_choices(lang: str) -> list[tuple[str, str]]:
    return [(name, f"{names[lang]} ({name})") for name, names in _builtin_factories()]


def trainings_for_games(user: Any) -> QuerySet[Training]:
    """Trainings a user may attach a game to: those whose attendance they may mark
    (``can_mark_attendance``: the coordinator all, a manager their factories', a trainer the
    ones they run), cancelled ones left out, the latest first."""
    if is_coordinator(user):
        chosen = Training.objects.all()
    else:
        mine = Q(factory__managers=user)
        trainer = trainer_profile(user)
        if trainer is not None:
            mine |= Q(trainer=trainer)
        chosen = Training.objects.filter(pk__in=Training.objects.filter(mine).values("pk"))
    return (
        chosen.exclude(status=Training.Status.CANCELLED)
        .select_related("factory")
        .order_by("-date", "factory__name")
    )


def _read_upload(upload: Any) -> str:
    if upload.size > UPLOAD_LIMIT:
        raise forms.ValidationError(
            _("The file is too large (at most %(limit)d kB).") % {"limit": UPLOAD_LIMIT // 1000}
        )
    try:
        return bytes(upload.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


# ---------------------------------------------------------------------------------------------
# The trainer


class SessionForm(forms.Form):
    """A new game: a built-in factory or an uploaded scenario with its round plan."""

    title = forms.CharField(label=_("Title"), max_length=200)
    training = forms.ModelChoiceField(
        label=_("Training"),
        queryset=Training.objects.none(),
        required=False,
        empty_label=_("none"),
        help_text=_("Attendance can be filled from the seats that played."),
    )
    factory = forms.ChoiceField(
        label=_("Built-in factory"),
        required=False,
        help_text=_("Or leave empty and upload a scenario with its round plan."),
    )
    scenario_file = forms.FileField(label=_("Scenario (YAML)"), required=False)
    plan_file = forms.FileField(label=_("Round plan (YAML)"), required=False)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=GameSession.Mode.choices, initial=GameSession.Mode.ONLINE
    )
    round_minutes = forms.FloatField(
        label=_("Round length (min)"),
        min_value=0.5,
        max_value=24 * 60,
        initial=DEFAULT_ROUND_MINUTES,
        help_text=_("Minutes of the game clock."),
    )
    speed = forms.FloatField(
        label=_("Speed"),
        required=False,
        min_value=0.1,
        max_value=3600,
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("language", current_lang())
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = trainings_for_games(user)
        self.fields["speed"].help_text = _(
            "Online mode: game seconds per real second (default %(speed)s). "
            "Floor mode plays in real time."
        ) % {"speed": f"{DEFAULT_ONLINE_SPEED:g}"}
        self.fields["factory"].choices = [("", _("upload my own"))] + builtin_factory_choices(
            current_lang()
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        factory = cleaned.get("factory") or ""
        scenario_file, plan_file = cleaned.get("scenario_file"), cleaned.get("plan_file")
        if factory and (scenario_file or plan_file):
            self.add_error("factory", _("Pick a built-in factory or upload files, not both."))
        elif not factory:
            if not scenario_file:
                self.add_error("scenario_file", _("Upload a scenario, or pick a built-in factory."))
            if not plan_file:
                self.add_error("plan_file", _("Upload the round plan (rounds.yaml)."))
        for name in ("scenario_file", "plan_file"):
            upload = cleaned.get(name)
            if upload and not factory:
                try:
                    cleaned[name.replace("_file", "_yaml")] = _read_upload(upload)
                except forms.ValidationError as err:
                    self.add_error(name, err)
        if cleaned.get("mode") == GameSession.Mode.FLOOR:
            cleaned["speed"] = 1.0
        elif not cleaned.get("speed"):
            cleaned["speed"] = DEFAULT_ONLINE_SPEED
        return cleaned

    def session_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``services.create_session`` (after ``is_valid()``)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "mode": data["mode"],
            "round_minutes": data["round_minutes"],
            "speed": data["speed"],
            "training": data.get("training"),
            "factory": data.get("factory") or "",
            "scenario_yaml": data.get("scenario_yaml", ""),
            "plan_yaml": data.get("plan_yaml", ""),
            "language": data["language"],
        }


class LeversForm(forms.Form):
    """The levers of a planned round: a tick and the parameters (JSON) per lever.

    The round's current levers come first, in their order, then the others; the ticked ones
    are applied in the order of the form.
    """

    def __init__(self, *args: Any, steps: list[dict[str, Any]], **kwargs: Any) -> None:
        from processfactory.levers import lever_names

        super().__init__(*args, **kwargs)
        current = {step["lever"]: step.get("params") or {} for step in steps}
        known = lever_names()
        self.order = [name for name in current if name in known] + [
            name for name in known if name not in current
        ]
        for name in self.order:
            self.fields[f"use_{name}"] = forms.BooleanField(
                label=name, required=False, initial=name in current
            )
            self.fields[f"params_{name}"] = forms.CharField(
                label=_("Parameters (JSON)"),
                required=False,
                initial=json.dumps(current.get(name, {}), ensure_ascii=False),
                widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name in self.order:
            text = (cleaned.get(f"params_{name}") or "").strip() or "{}"
            try:
                params = json.loads(text)
            except json.JSONDecodeError as err:
                self.add_error(
                    f"params_{name}",
                    _("Not valid JSON: %(error)s") % {"error": err.msg},
                )
                continue
            if not isinstance(params, dict):
                self.add_error(
                    f"params_{name}", _('The parameters are a JSON object: {"name": value}.')
                )
                continue
            cleaned[f"params_{name}"] = params
        return cleaned

    def steps(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"lever": name, "params": data[f"params_{name}"]}
            for name in self.order
            if data.get(f"use_{name}")
        ]

    def rows(self) -> list[dict[str, Any]]:
        """(lever, tick field, parameters field) per lever, for the template."""
        from processfactory.levers import get_lever
        from processfactory.reports.debrief import inline_code
        from processfactory.reports.labels import check_lang, lever_summary, lever_title

        lang = check_lang(current_lang())
        out = []
        for name in self.order:
            lever = get_lever(name)
            defaults = {
                key: field.default
                for key, field in lever.params.model_fields.items()
                if key != "stations" and field.default is not None
            }
            out.append(
                {
                    "name": name,
                    "title": lever_title(name, lang),
                    "summary": inline_code(lever_summary(name, lang)),
                    "use": self[f"use_{name}"],
                    "params": self[f"params_{name}"],
                    "defaults": json.dumps(defaults, ensure_ascii=False),
                    "parameters": ", ".join(lever.params.model_fields),
                }
            )
        return out


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# ---------------------------------------------------------------------------------------------
# Participants


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Game code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "size": CODE_LENGTH + 2,
            }
        ),
    )

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


def short_name(full_name: str) -> str:
    """``Alla Kirovskaya`` → ``Alla K.``: enough to find oneself, not a whole name on a screen."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return f"{parts[0]} {parts[1][0]}."


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Seat.Role.choices, widget=forms.RadioSelect, initial="operator"
    )
    stations = forms.MultipleChoiceField(
        label=_("Stations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Station operators: the stations you work at."),
    )
    participant = forms.ChoiceField(label=_("I am …"), required=False)

    def __init__(
        self,
        *args: Any,
        stations: dict[str, str],
        participants: QuerySet[Participant] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stations"].choices = list(stations.items())
        if participants is None:
            del self.fields["participant"]
        else:
            self.fields["participant"].choices = [("", _("not on the list"))] + [
                (str(p.pk), short_name(p.full_name)) for p in participants
            ]

    def clean_participant(self) -> int | None:
        value = self.cleaned_data.get("participant")
        return int(value) if value else None
