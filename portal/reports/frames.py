"""The two frames every report number is computed from: the active people and their tier
attainment periods, for the whole organisation, kept in memory between requests.

Fetching them is most of a report's cost at 100,000 people (two scans and a quarter of a
million rows through the driver), while they change far less often than reports are read:
attainments only when someone reaches or loses a tier, the directory on an import or an edit.
So each process keeps its last copy with the *state* it was read at, and one cheap query per
report checks that state: the attainment table's row count and highest id (its sync only
inserts and deletes, and ids only grow, so any change moves one of them) and the directory's
revision token (`people.services.directory_revise`, renewed by every import and by signals
on every save or delete). When either moved, the frames are read again. A copy is therefore
never stale, only reused; and the frames hold no time: "held now" is computed per request.
"""

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from ..people.models import DirectoryRevision, Staff
from ..tiers.engine import EPOCH, FOREVER, epoch_us_sql, to_us
from ..tiers.models import TierAttainment

NONE = -1  # no department, role or location
NEVER = np.iinfo(np.int64).min  # a start date nobody knows: "started before anything"


@dataclass(frozen=True)
class Frames:
    # index: staff pk; columns: department, role, location (NONE when empty), start and
    # invited (epoch microseconds; NEVER when unknown or not rolled out), display_name
    people: pd.DataFrame
    # one row per period: staff, tier (id), reached, lapsed (epoch microseconds; FOREVER)
    periods: pd.DataFrame


_lock = threading.Lock()
_kept: dict[tuple[str, str], tuple[tuple, pd.DataFrame]] = {}


def organisation_frames() -> Frames:
    """The frames of the whole organisation, each read again only when its data changed (a
    new attainment re-reads the periods, not the people)."""
    database, attainments, revision = _state()
    return Frames(
        people=_kept_or_read("people", (database, revision), _people),
        periods=_kept_or_read("periods", (database, attainments), _periods),
    )


def _kept_or_read(name: str, state: tuple, read) -> pd.DataFrame:
    key = (connection.alias, name)
    kept = _kept.get(key)
    if kept is not None and kept[0] == state:
        return kept[1]
    frame = read()
    with _lock:
        _kept[key] = (state, frame)
    return frame


def frames_forget(*, only: str | None = None) -> None:
    """Drop the kept copies, or only one ("people" or "periods"): for tests, whose rolled-back
    databases come back under the same ids, and for the bench. Forgetting the people also
    forgets the small-group decisions made from them (`disclosure`)."""
    from .disclosure import disclosure_forget

    with _lock:
        for key in [k for k in _kept if only is None or k[1] == only]:
            del _kept[key]
    if only in (None, "people"):
        disclosure_forget()


def _state() -> tuple:
    attainments = TierAttainment._meta.db_table
    revisions = DirectoryRevision._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {attainments}), (SELECT MAX(id) FROM {attainments}),"  # noqa: S608
            f" (SELECT token FROM {revisions} WHERE id = 1)",
            [],
        )
        count, highest, revision = cursor.fetchone()
        return connection.settings_dict["NAME"], (count, highest), revision


def _rows(queryset) -> list[tuple]:
    """A values_list queryset's rows straight from the cursor: its SQL without the ORM's
    per-row work (a tenth of the time on 100,000 rows). Annotations come after fields."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _people() -> pd.DataFrame:
    rows = _rows(
        Staff.objects.filter(active=True)
        .annotate(start=Cast("start_date", CharField()))
        .values_list("pk", "department_id", "role_id", "location_id", "display_name", "start")
        .order_by()
    )
    columns = ["pk", "department", "role", "location", "display_name", "start"]
    people = pd.DataFrame.from_records(rows, columns=columns).set_index("pk")
    for column in ("department", "role", "location"):
        people[column] = people[column].fillna(NONE).astype(np.int64)
    # A start date is a day where the company is: it begins at local midnight.
    started = pd.to_datetime(people["start"], format="%Y-%m-%d", errors="coerce").dt.tz_localize(
        settings.TIME_ZONE,
        ambiguous=np.zeros(len(people), dtype=bool),
        nonexistent="shift_forward",
    )
    microseconds = (started - pd.Timestamp(EPOCH)) // pd.Timedelta(microseconds=1)
    people["start"] = microseconds.fillna(NEVER).astype(np.int64)
    people["invited"], people["wave"] = _invited(people.index)
    return people


def _invited(index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """When each person was invited, as epoch microseconds, and by which wave (their first
    started one). Before any wave exists the programme is open to all (NEVER: always
    invited, wave NONE); once it is rolled out in waves, people no started wave holds are
    not invited yet (FOREVER, NONE)."""
    from ..rollout.selectors import invited_at, rollout_started

    if not rollout_started():
        return np.full(len(index), NEVER, dtype=np.int64), np.full(len(index), NONE)
    first = invited_at()
    invited = [to_us(first[pk][0]) if pk in first else FOREVER for pk in index]
    wave = [first[pk][1] if pk in first else NONE for pk in index]
    return np.array(invited, dtype=np.int64), np.array(wave, dtype=np.int64)


def _periods() -> pd.DataFrame:
    table = TierAttainment._meta.db_table
    reached = epoch_us_sql(f'"{table}"."reached_at"')
    lapsed = epoch_us_sql(f'"{table}"."lapsed_at"')
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT staff_id, tier_id, {reached}, COALESCE({lapsed}, {FOREVER})"  # noqa: S608
            f" FROM {table}",
            [],
        )
        rows = cursor.fetchall()
    values = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return pd.DataFrame(values, columns=["staff", "tier", "reached", "lapsed"])
