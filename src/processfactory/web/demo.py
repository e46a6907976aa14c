"""The Leningrad region demo: the programme as the news of the Kirovsk opening describes it, plus a
generated (clearly marked) history of trainings consistent with its numbers.

From the source (investment portal of the Leningrad region, "Process Factory was opened in
Leningrad region"):

- the Process Factory opened in the Quantorium of Kirovsk Polytechnic College; the region plans
  five more factories in educational institutions;
- one-day trainings for groups of 12–16 people: enterprise employees, college students, public
  officers;
- the national project "Labour productivity" took in 22 enterprises of the region in 2020 and 5
  more in 2021; seven have finished the main phase;
- targets: 39 enterprises by the end of 2021 and 101 by the end of 2024 (about 20 a year);
  441 people trained in 2021 and 1,330 by the end of 2024.

Generated, and marked as such: the enterprises' names (suffix « (демо)»), INNs (valid check digit),
industries and districts; the five planned factories' hosts (« (демо)»); trainers, participants
(e-mail addresses at ``demo.example``, a reserved domain), the trainings from the Kirovsk opening
to ``AS_OF`` (30 November 2021) with attendance, certificates and feedback, and the December 2021
schedule. ``ProgrammeSettings`` is set to the region, ``AS_OF`` and ``is_demo``, so every page
shows the demo banner and the dashboard shows 2021 in progress.

``load_demo()`` is idempotent (a second call changes nothing) and deterministic (one
``random.Random(seed)``; the same seed gives the same history). ``reset_demo()`` removes what the
demo created. Rows are written in bulk, so loading takes well under a few seconds; the history
obeys the registry's rules (group sizes, attendance only at held trainings, feedback and
certificates only for attendees), which ``tests/web/test_web_demo.py`` checks.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from processfactory.web.dashboard.models import ProgrammeSettings
from processfactory.web.demo_logins import DEMO_PASSWORD
from processfactory.web.registry.models import (
    CERTIFICATE_ALPHABET,
    CERTIFICATE_CODE_LENGTH,
    Certificate,
    Enterprise,
    Factory,
    Feedback,
    Participant,
    ProgrammeTarget,
    Registration,
    Trainer,
    Training,
)
from processfactory.web.registry.permissions import COORDINATORS_GROUP
from processfactory.web.registry.validators import inn10_is_valid, inn10_with_check_digit

SEED = 20211130
AS_OF = datetime.date(2021, 11, 30)
REGION = "Ленинградская область"
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
DEMO_SUFFIX = " (демо)"
DEMO_EMAIL_DOMAIN = "demo.example"

# -- from the source --------------------------------------------------------------------------
ENTERPRISES_JOINED = {2020: 22, 2021: 5}
ENTERPRISES_SUSTAINING = 7
TARGETS = {
    ProgrammeTarget.Metric.ENROLLED_ENTERPRISES: {2021: 39, 2024: 101},
    ProgrammeTarget.Metric.TRAINED_PEOPLE: {2021: 441, 2024: 1330},
}
PLANNED_FACTORIES = 5

KIROVSK = "Фабрика процессов (Кировск)"
KIROVSK_HOST = "Кванториум Кировского политехнического техникума"
KIROVSK_OPENED = datetime.date(2021, 3, 16)
KIROVSK_COLLEGE = "Кировский политехнический техникум"

# -- generated --------------------------------------------------------------------------------
PLANNED = (
    ("Гатчина", "Гатчинский колледж"),
    ("Выборг", "Выборгский колледж"),
    ("Тихвин", "Тихвинский колледж"),
    ("Кингисепп", "Кингисеппский колледж"),
    ("Сосновый Бор", "Сосновоборский колледж"),
)
Industry = Enterprise.Industry
# (mypy reads TextChoices members as tuples, hence Any for the industry)
ENTERPRISES: tuple[tuple[str, Any, str], ...] = (
    # name, industry, district; the first 22 joined in 2020, the first 7 are sustaining
    ("ООО «Ладожский завод металлоконструкций»", Industry.MACHINERY, "Кировский район"),
    ("АО «Невская керамика»", Industry.CONSTRUCTION_MATERIALS, "Всеволожский район"),
    ("ООО «Синявинский агрокомплекс»", Industry.FOOD, "Кировский район"),
    ("АО «Мгинский деревообрабатывающий комбинат»", Industry.WOOD, "Кировский район"),
    ("ООО «Тихвинские металлоизделия»", Industry.MACHINERY, "Тихвинский район"),
    ("ООО «Киришский завод полимерных труб»", Industry.CHEMICALS, "Киришский район"),
    ("ООО «Волховский алюминиевый профиль»", Industry.MANUFACTURING, "Волховский район"),
    ("ООО «Гатчинский хлебокомбинат»", Industry.FOOD, "Гатчинский район"),
    ("ООО «Выборгская судоремонтная верфь»", Industry.MACHINERY, "Выборгский район"),
    ("ООО «Лужские молочные продукты»", Industry.FOOD, "Лужский район"),
    ("АО «Кингисеппские химические технологии»", Industry.CHEMICALS, "Кингисеппский район"),
    ("ООО «Тосненская мебельная фабрика»", Industry.WOOD, "Тосненский район"),
    ("ООО «Приозерский рыбный цех»", Industry.FOOD, "Приозерский район"),
    (
        "АО «Сланцевский завод стройматериалов»",
        Industry.CONSTRUCTION_MATERIALS,
        "Сланцевский район",
    ),
    ("ООО «Всеволожский логистический терминал»", Industry.LOGISTICS, "Всеволожский район"),
    ("ООО «Ломоносовские электротехнические системы»", Industry.MACHINERY, "Ломоносовский район"),
    ("АО «Бокситогорские композиты»", Industry.CHEMICALS, "Бокситогорский район"),
    ("ООО «Подпорожская лесопильная компания»", Industry.WOOD, "Подпорожский район"),
    ("ООО «Шлиссельбургская упаковка»", Industry.MANUFACTURING, "Кировский район"),
    ("АО «Отрадненский механический завод»", Industry.MACHINERY, "Кировский район"),
    ("ООО «Сосновоборские приборы»", Industry.MACHINERY, "Сосновоборский городской округ"),
    ("ООО «Волосовский комбикормовый завод»", Industry.FOOD, "Волосовский район"),
    ("ООО «Кировские инженерные системы»", Industry.MANUFACTURING, "Кировский район"),
    ("АО «Лодейнопольский домостроительный комбинат»", Industry.WOOD, "Лодейнопольский район"),
    ("ООО «Тихвинская транспортная компания»", Industry.LOGISTICS, "Тихвинский район"),
    ("ООО «Гатчинские полимеры»", Industry.CHEMICALS, "Гатчинский район"),
    ("ООО «Выборгская кондитерская фабрика»", Industry.FOOD, "Выборгский район"),
)
# Tax office codes of the Leningrad region (INN digits 3–4 after the region code 47).
TAX_OFFICES = ("02", "03", "04", "05", "06", "07", "08", "10", "12", "15", "16", "17", "18")
OFFICER_ORGANISATIONS = (
    "Администрация Кировского муниципального района",
    "Комитет экономического развития и инвестиционной деятельности Ленинградской области",
    "Администрация Шлиссельбургского городского поселения",
    "Комитет по труду и занятости населения Ленинградской области",
    "МФЦ Ленинградской области, филиал «Кировский»",
)
TRAINERS = (
    ("Трофимова Татьяна Сергеевна", "trainer"),
    ("Ковалёв Андрей Викторович", None),
    ("Никитина Ольга Павловна", None),
)
# Held trainings per month at Kirovsk (the month of opening to AS_OF): a summer lull, a busy
# autumn. With 12–16 registered and a few no-shows this stays just under the 441 of 2021.
HELD_PER_MONTH = {3: 1, 4: 4, 5: 3, 6: 4, 7: 3, 8: 3, 9: 5, 10: 5, 11: 5}
# Cancelled ones: (date, registered, why)
CANCELLED = (
    (datetime.date(2021, 5, 13), 8, "Отменено: группа не набралась."),
    (datetime.date(2021, 10, 19), 13, "Отменено: болезнь тренера, группа перенесена."),
)
# The December schedule: (date, status, registered, waitlisted)
SCHEDULE = (
    (datetime.date(2021, 12, 2), Training.Status.CONFIRMED, 15, 0),
    (datetime.date(2021, 12, 7), Training.Status.CONFIRMED, 16, 2),
    (datetime.date(2021, 12, 9), Training.Status.CONFIRMED, 14, 0),
    (datetime.date(2021, 12, 14), Training.Status.DRAFT, 12, 0),
    (datetime.date(2021, 12, 16), Training.Status.DRAFT, 7, 0),
)
SCORE_WEIGHTS = {10: 42, 9: 26, 8: 14, 7: 8, 6: 4, 5: 3, 4: 1, 3: 1, 2: 1}
FEEDBACK_SHARE = 0.88
COMMENTS = (
    "Наглядно и по делу, забираю стандартную работу на участок.",
    "Понравилась игра: после третьего раунда всё стало понятно.",
    "Хотелось бы больше времени на картирование потока.",
    "Отличный тренер, много практики.",
    "Полезно, но длинный день.",
)

MALE_FIRST = (
    "Алексей", "Андрей", "Дмитрий", "Сергей", "Игорь", "Максим", "Николай", "Павел",
    "Роман", "Виктор", "Евгений", "Иван", "Константин", "Михаил", "Олег", "Юрий",
    "Артём", "Владимир", "Георгий", "Кирилл",
)  # fmt: skip
FEMALE_FIRST = (
    "Анна", "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Мария", "Светлана",
    "Юлия", "Екатерина", "Дарья", "Алина", "Ксения", "Виктория", "Галина", "Полина",
)  # fmt: skip
SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
    "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
    "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
    "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
    "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
    "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов",
    "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов",
    "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров",
)  # fmt: skip
PATRONYMIC_ROOTS = (
    "Александров", "Сергеев", "Викторов", "Николаев", "Андреев", "Владимиров",
    "Петров", "Михайлов", "Юрьев", "Игорев", "Олегов", "Дмитриев",
)  # fmt: skip


class DemoError(Exception):
    """The demo cannot be loaded here; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo`` did: ``loaded`` False when the demo was already there."""

    loaded: bool
    factories: int
    enterprises: int
    trainings: int
    participants: int
    as_of: datetime.date = AS_OF


@dataclass
class _Plan:
    """Rows being built, written in bulk at the end."""

    rng: random.Random
    participants: list[Participant] = field(default_factory=list)
    # per training: (training, [(participant index, status, attended)])
    rosters: list[tuple[Training, list[tuple[int, str, bool | None]]]] = field(default_factory=list)
    trained_by_enterprise: dict[int, list[int]] = field(default_factory=dict)
    repeaters: set[int] = field(default_factory=set)
    serial: int = 0


# ---------------------------------------------------------------------------------------------
# Public


def demo_is_loaded() -> bool:
    return Factory.objects.filter(name=KIROVSK).exists() and bool(
        ProgrammeSettings.objects.filter(is_demo=True).exists()
    )


def load_demo(seed: int = SEED) -> DemoSummary:
    """Load the demo unless it is there already (then nothing changes). Refused
    (``DemoError``) when the database holds registry data that is not the demo's."""
    if demo_is_loaded():
        return _summary(loaded=False)
    foreign = (
        Factory.objects.exclude(name__in=_factory_names()).exists()
        or Enterprise.objects.exclude(name__endswith=DEMO_SUFFIX).exists()
        or Training.objects.exclude(factory__name__in=_factory_names()).exists()
    )
    if foreign:
        raise DemoError(
            "The database already holds registry data that is not the demo's; the demo is "
            "loaded only into an empty registry (use an empty database, e.g. "
            "PF_DB_PATH=demo.sqlite3)."
        )
    with transaction.atomic():
        _load(random.Random(seed))
    return _summary(loaded=True)


def reset_demo() -> None:
    """Remove what the demo created (its factories with their trainings, trainers, participants
    and enterprises, and the demo flag); the targets and the demo users stay."""
    with transaction.atomic():
        factories = Factory.objects.filter(name__in=_factory_names())
        trainings = Training.objects.filter(factory__in=factories)
        Certificate.objects.filter(registration__training__in=trainings).delete()
        trainings.delete()
        Trainer.objects.filter(factory__in=factories).delete()
        Participant.objects.filter(
            email__endswith="@" + DEMO_EMAIL_DOMAIN, registrations__isnull=True
        ).delete()
        Enterprise.objects.filter(name__endswith=DEMO_SUFFIX, participants__isnull=True).delete()
        factories.delete()
        ProgrammeSettings.objects.filter(is_demo=True).update(is_demo=False, as_of=None)


def demo_enterprise_inns(seed: int = SEED) -> list[str]:
    """The demo enterprises' INNs (valid check digit, region code 47), in ``ENTERPRISES`` order."""
    rng = random.Random(seed)
    inns: list[str] = []
    while len(inns) < len(ENTERPRISES):
        first_nine = "47" + rng.choice(TAX_OFFICES) + f"{rng.randrange(100000):05d}"
        inn = inn10_with_check_digit(first_nine)
        if inn not in inns:
            inns.append(inn)
    return inns


# ---------------------------------------------------------------------------------------------
# Building


def _factory_names() -> list[str]:
    return [KIROVSK] + [f"Фабрика процессов ({town}){DEMO_SUFFIX}" for town, _host in PLANNED]


def _summary(*, loaded: bool) -> DemoSummary:
    factories = Factory.objects.filter(name__in=_factory_names())
    return DemoSummary(
        loaded=loaded,
        factories=factories.count(),
        enterprises=Enterprise.objects.filter(name__endswith=DEMO_SUFFIX).count(),
        trainings=Training.objects.filter(factory__in=factories).count(),
        participants=Participant.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN).count(),
    )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=MOSCOW)


def _load(rng: random.Random) -> None:
    settings_row = ProgrammeSettings.current() or ProgrammeSettings()
    settings_row.region_name = REGION
    settings_row.as_of = AS_OF
    settings_row.is_demo = True
    settings_row.save()

    for metric, targets in TARGETS.items():
        for year, value in targets.items():
            ProgrammeTarget.objects.update_or_create(
                metric=metric, year=year, defaults={"cumulative_value": value}
            )

    kirovsk = Factory.objects.create(
        name=KIROVSK,
        host_institution=KIROVSK_HOST,
        address="Ленинградская область, г. Кировск",
        status=Factory.Status.OPEN,
        opened_on=KIROVSK_OPENED,
        has_production_track=True,
        has_office_track=True,
    )
    for town, host in PLANNED:
        Factory.objects.create(
            name=f"Фабрика процессов ({town}){DEMO_SUFFIX}",
            host_institution=host + DEMO_SUFFIX,
            address=f"Ленинградская область, {town}",
            status=Factory.Status.PLANNED,
            has_production_track=True,
            has_office_track=rng.random() < 0.5,
        )

    users = _demo_users(kirovsk)
    trainers = [
        Trainer.objects.create(
            full_name=name,
            factory=kirovsk,
            user=users.get(username) if username else None,
            email=f"trainer{i + 1}@{DEMO_EMAIL_DOMAIN}",
        )
        for i, (name, username) in enumerate(TRAINERS)
    ]
    enterprises = _enterprises(rng)
    plan = _Plan(rng=rng)
    _history(plan, kirovsk, trainers, enterprises)
    _write(plan)


def _demo_users(kirovsk: Factory) -> dict[str, User]:
    coordinators, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    # the coordinator edits the programme's records in the Django admin (back office)
    coordinators.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["registry", "dashboard"])
    )
    people = {
        "coordinator": ("Елена", "Васильева (демо)", True),
        "manager": ("Ирина", "Смирнова (демо)", False),
        "trainer": ("Татьяна", "Трофимова (демо)", False),
    }
    # one hash for the three: the password is public anyway, and hashing is most of the load time
    password = make_password(DEMO_PASSWORD)
    users = {}
    for username, (first, last, staff) in people.items():
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user.is_active = True
        user.is_staff = staff
        user.password = password
        user.save()
        users[username] = user
    users["coordinator"].groups.add(coordinators)
    kirovsk.managers.add(users["manager"])
    return users


def _enterprises(rng: random.Random) -> list[Enterprise]:
    joined_2020 = ENTERPRISES_JOINED[2020]
    rows = []
    for i, ((name, industry, district), inn) in enumerate(
        zip(ENTERPRISES, demo_enterprise_inns(), strict=True)
    ):
        assert inn10_is_valid(inn)
        year = 2020 if i < joined_2020 else 2021
        if i < ENTERPRISES_SUSTAINING:
            phase, changed = Enterprise.Phase.SUSTAINING, datetime.date(2021, 2 + i, 1 + 3 * i)
        elif year == 2020 or i < joined_2020 + 2:
            phase = Enterprise.Phase.MAIN
            changed = datetime.date(year, rng.randint(3, 10), rng.randint(1, 28))
        else:
            phase, changed = Enterprise.Phase.DIAGNOSTICS, datetime.date(2021, 9, 1)
        rows.append(
            Enterprise(
                name=name + DEMO_SUFFIX,
                tax_id=inn,
                industry=industry,
                joined_year=year,
                phase=phase,
                phase_changed_on=min(changed, AS_OF),
                district=district,
            )
        )
    return Enterprise.objects.bulk_create(rows)


def _person(plan: _Plan, category: str, organisation: str, enterprise: Enterprise | None) -> int:
    rng = plan.rng
    female = rng.random() < 0.45
    surname = rng.choice(SURNAMES)
    if female:
        first = rng.choice(FEMALE_FIRST)
        surname += "а"
        patronymic = rng.choice(PATRONYMIC_ROOTS) + "на"
    else:
        first = rng.choice(MALE_FIRST)
        patronymic = rng.choice(PATRONYMIC_ROOTS) + "ич"
    plan.serial += 1
    plan.participants.append(
        Participant(
            full_name=f"{surname} {first} {patronymic}",
            category=category,
            organisation=organisation,
            enterprise=enterprise,
            email=f"p{plan.serial:04d}@{DEMO_EMAIL_DOMAIN}",
        )
    )
    return len(plan.participants) - 1


def _training_days(rng: random.Random) -> list[datetime.date]:
    """Held training days: ``HELD_PER_MONTH`` Tuesdays/Thursdays a month, from the opening."""
    days: list[datetime.date] = []
    for month, count in HELD_PER_MONTH.items():
        candidates = [
            datetime.date(2021, month, d)
            for d in range(1, 32)
            if _valid(2021, month, d)
            and datetime.date(2021, month, d).weekday() in (1, 3)
            and KIROVSK_OPENED <= datetime.date(2021, month, d) <= AS_OF
            and datetime.date(2021, month, d) not in {c[0] for c in CANCELLED}
        ]
        days += sorted(rng.sample(candidates, count))
    return days


def _valid(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _roster(
    plan: _Plan, size: int, month: int, enterprises: list[Enterprise], allow_repeat: bool
) -> tuple[str, list[int]]:
    """A group of ``size`` people for one training: its track and participant indexes."""
    rng = plan.rng
    summer = month in (7, 8)
    kind = rng.choices(
        ("employee", "student", "officer"), weights=(70, 0 if summer else 16, 14), k=1
    )[0]
    people: list[int] = []
    if kind == "student":
        track = str(Training.Track.PRODUCTION) if rng.random() < 0.6 else str(Training.Track.OFFICE)
        people = [
            _person(plan, str(Participant.Category.STUDENT), KIROVSK_COLLEGE, None)
            for _ in range(size)
        ]
    elif kind == "officer":
        track = str(Training.Track.OFFICE)
        people = [
            _person(
                plan, str(Participant.Category.OFFICER), rng.choice(OFFICER_ORGANISATIONS), None
            )
            for _ in range(size)
        ]
    else:
        track = (
            str(Training.Track.PRODUCTION) if rng.random() < 0.75 else str(Training.Track.OFFICE)
        )
        joined = [e for e in enterprises if e.joined_year == 2020 or month >= 6]
        senders = rng.sample(joined, rng.randint(1, 3))
        if allow_repeat and track == str(Training.Track.OFFICE):
            # a few who learned the production track come back for the office one
            for sender in senders:
                earlier = [
                    p
                    for p in plan.trained_by_enterprise.get(sender.pk, [])
                    if p not in plan.repeaters
                ]
                back = earlier[: rng.randint(0, 2)]
                plan.repeaters.update(back)
                people += back
        while len(people) < size:
            sender = senders[len(people) % len(senders)]
            people.append(
                _person(plan, str(Participant.Category.EMPLOYEE), str(sender.name), sender)
            )
    return track, people[:size]


def _history(
    plan: _Plan, kirovsk: Factory, trainers: list[Trainer], enterprises: list[Enterprise]
) -> None:
    rng = plan.rng
    for day in _training_days(rng):
        size = rng.randint(Training.MIN_GROUP, Training.MAX_GROUP)
        track, people = _roster(plan, size, day.month, enterprises, allow_repeat=True)
        training = Training(
            factory=kirovsk,
            date=day,
            track=track,
            trainer=rng.choice(trainers),
            status=Training.Status.HELD,
        )
        no_shows = set(rng.sample(people, rng.choice((0, 0, 1, 1, 1, 2, 2, 3))))
        roster: list[tuple[int, str, bool | None]] = [
            (p, str(Registration.Status.REGISTERED), p not in no_shows) for p in people
        ]
        plan.rosters.append((training, roster))
        for p in people:
            enterprise = plan.participants[p].enterprise
            if p not in no_shows and p not in plan.repeaters and enterprise is not None:
                plan.trained_by_enterprise.setdefault(enterprise.pk, []).append(p)

    for day, registered, why in CANCELLED:
        track, people = _roster(plan, registered, day.month, enterprises, allow_repeat=False)
        training = Training(
            factory=kirovsk,
            date=day,
            track=track,
            trainer=rng.choice(trainers),
            status=Training.Status.CANCELLED,
            notes=why,
        )
        plan.rosters.append(
            (training, [(p, str(Registration.Status.REGISTERED), None) for p in people])
        )

    for day, status, registered, waitlisted in SCHEDULE:
        track, people = _roster(
            plan, registered + waitlisted, day.month, enterprises, allow_repeat=False
        )
        roster = [
            (
                p,
                str(Registration.Status.REGISTERED)
                if i < registered
                else str(Registration.Status.WAITLISTED),
                None,
            )
            for i, p in enumerate(people)
        ]
        training = Training(
            factory=kirovsk,
            date=day,
            track=track,
            trainer=rng.choice(trainers) if status == Training.Status.CONFIRMED else None,
            status=status,
        )
        plan.rosters.append((training, roster))


def _write(plan: _Plan) -> None:
    rng = plan.rng
    participants = Participant.objects.bulk_create(plan.participants)
    trainings = Training.objects.bulk_create([training for training, _roster in plan.rosters])
    registrations = []
    for training, roster in zip(trainings, (r for _t, r in plan.rosters), strict=True):
        for p, status, attended in roster:
            registrations.append(
                Registration(
                    training=training,
                    participant=participants[p],
                    status=status,
                    attended=attended,
                )
            )
    registrations = Registration.objects.bulk_create(registrations)

    taken = set(Certificate.objects.values_list("code", flat=True))
    certificates, feedback = [], []
    for registration in registrations:
        if registration.attended is not True:
            continue
        code = ""
        while not code or code in taken:
            code = "".join(rng.choice(CERTIFICATE_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH))
        taken.add(code)
        certificates.append(Certificate(registration=registration, code=code))
        if rng.random() < FEEDBACK_SHARE:
            score = rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0]
            comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
            feedback.append(Feedback(registration=registration, score=score, comment=comment))
    Certificate.objects.bulk_create(certificates)
    Feedback.objects.bulk_create(feedback)

    # auto_now_add stamped "now": move the records to the days they belong to
    for training in trainings:
        signed_up = _at(training.date - datetime.timedelta(days=rng.randint(7, 21)), 9)
        Registration.objects.filter(training=training).update(created_at=signed_up)
        Participant.objects.filter(
            registrations__training=training, created_at__gt=signed_up
        ).update(created_at=signed_up)
        if training.status == Training.Status.HELD:
            Certificate.objects.filter(registration__training=training).update(
                issued_at=_at(training.date, 17)
            )
            Feedback.objects.filter(registration__training=training).update(
                created_at=_at(training.date, 18)
            )
