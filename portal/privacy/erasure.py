"""Erasing a person: asked for by them or a community manager, approved by a superuser, carried
out by a worker, checked afterwards.

Carrying it out walks every holding in the registry (`holdings`): rows are deleted, blanked or
kept under the pseudonymous directory entry and account that replace the person (`pseudonyms`),
so the reports count what they did as before while nothing names them. Their sessions end,
Wagtail's search index forgets what it held of the changed rows, files of deleted rows leave
storage once the change commits. Then every text column of every table is searched for what
identified them (`scan`), and what is found (table, column, rows; never the words) is kept on
the request for the superuser to see. All of it in one transaction: an erasure that fails
leaves everything as it was, and the request approved, to be carried out again.
"""

import logging

from django.contrib.sessions.models import Session
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail.search import index

from ..audit.services import record
from ..outbox.dispatch import dispatch
from ..permissions import can_run_programme
from . import scan
from .holdings import Delete, Holding, Person, holdings
from .models import ErasureRequest

logger = logging.getLogger(__name__)
State = ErasureRequest.State
OPEN = (State.REQUESTED, State.APPROVED)


class ErasureRefused(Exception):
    """A request that cannot be made or decided, with the reason in words."""


def erasure_request(*, person: Person, requested_by) -> ErasureRequest:
    """Ask for `person` to be erased: by themselves, or by a community manager. Asking again
    while a request is open returns that request."""
    if person.staff is None and person.user is None:
        raise ErasureRefused("There is nobody to erase.")
    own = person.user is not None and person.user.pk == requested_by.pk
    if not own and not can_run_programme(requested_by):
        raise ErasureRefused("Only the person themselves or a community manager can ask for this.")
    existing = _open_request(person)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                staff=person.staff,
                user=person.user,
                requested_by=requested_by,
                requested_at=timezone.now(),
            )
            _audit(requested_by, "erasure.requested", request)
            return request
    except IntegrityError:  # asked twice at once: the other one stands
        existing = _open_request(person)
        if existing is None:
            raise
        return existing


def _open_request(person: Person) -> ErasureRequest | None:
    condition = models.Q()
    if person.staff is not None:
        condition |= models.Q(staff=person.staff)
    if person.user is not None:
        condition |= models.Q(user=person.user)
    return ErasureRequest.objects.filter(condition, state__in=OPEN).first()


def erasure_approve(*, request_id: int, user) -> ErasureRequest:
    """A superuser approves: the erasure is carried out by a worker once this commits."""
    from ..tasks import privacy_erasure_carry_out  # the task module imports this one

    request = _decide(request_id=request_id, user=user, state=State.APPROVED)
    dispatch(privacy_erasure_carry_out, request_id=request.pk)
    return request


def erasure_refuse(*, request_id: int, user) -> ErasureRequest:
    """A superuser refuses: nothing is erased, and who refused and when is kept."""
    return _decide(request_id=request_id, user=user, state=State.REFUSED)


def _decide(*, request_id: int, user, state: str) -> ErasureRequest:
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        raise ErasureRefused("Only a superuser can approve or refuse an erasure.")
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise ErasureRefused("There is no such request.")
        if request.state != State.REQUESTED:
            raise ErasureRefused(
                f"This request was decided already ({request.get_state_display().lower()})."
            )
        if request.user_id is not None and request.user_id == user.pk:
            raise ErasureRefused("Another superuser has to decide on erasing your own data.")
        request.state = state
        request.decided_by = user
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        _audit(user, f"erasure.{'approved' if state == State.APPROVED else 'refused'}", request)
    return request


def erasure_carry_out(*, request_id: int) -> ErasureRequest | None:
    """Erase the person of an approved request, check, and mark it done (once: a request
    already done or not approved is left alone, so the task may run twice)."""
    with transaction.atomic():
        request = (
            ErasureRequest.objects.select_for_update(of=("self",))
            .select_related("staff__user", "user")
            .filter(pk=request_id, state=State.APPROVED)
            .first()
        )
        if request is None:
            return None
        staff = request.staff
        person = Person(staff=staff, user=request.user or (staff.user if staff else None))
        hits = person_erase(person=person)
        request.state = State.DONE
        request.done_at = timezone.now()
        request.leftovers = [hit.as_dict() for hit in hits]
        request.save(update_fields=["state", "done_at", "leftovers"])
        _audit(None, "erasure.done", request, leftovers=len(hits))
    if hits:
        logger.warning(
            "Erasure %s done; identifiers still found in %s column(s)", request.pk, len(hits)
        )
    return request


def person_erase(*, person: Person) -> list[scan.Hit]:
    """Remove or pseudonymise every record that names `person`, end their sessions, then
    search every text column for their identifiers; the hits (none, when all went well)."""
    identifiers = person_identifiers(person=person)
    files: list = []
    with transaction.atomic():
        for holding in holdings():
            rows = holding.rows_to_erase(person)
            if isinstance(holding.erase, Delete):
                files += _files_of(holding, rows)
            indexed = index.class_is_indexed(holding.model)
            changed = list(rows.values_list("pk", flat=True)) if indexed else []
            holding.erase.apply(rows, person)
            if changed:
                _reindex(holding.model, changed)
        if person.user is not None:
            sessions_end(user=person.user)
        transaction.on_commit(lambda: _files_remove(files))
        return scan.identifiers_find(identifiers=identifiers)


def person_identifiers(*, person: Person) -> dict[str, list[str]]:
    """What identifies `person`, by kind, read from every holding's identifying fields."""
    found: dict[str, set[str]] = {}
    for holding in holdings():
        if not holding.identifies:
            continue
        kinds, fields = zip(*holding.identifies.items(), strict=True)
        for values in holding.rows(person).values_list(*fields):
            for kind, value in zip(kinds, values, strict=True):
                if value:
                    found.setdefault(kind, set()).add(str(value))
    if person.user is not None and person.user.get_full_name():
        found.setdefault("name", set()).add(person.user.get_full_name())
    return {kind: sorted(values) for kind, values in found.items()}


def sessions_end(*, user) -> int:
    """Delete every database session signed in as `user` (their data holds the account id,
    so each live one is read). Sessions elsewhere end anyway: the account is closed and its
    password changed, which Django checks on every request."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.pk)
    return Session.objects.filter(pk__in=ended).delete()[0]


def _files_of(holding: Holding, rows) -> list[tuple]:
    """(storage, name) of every file the rows hold, to remove once their deletion commits."""
    fields = [f for f in holding.model._meta.concrete_fields if isinstance(f, models.FileField)]
    files = []
    for f in fields:
        for name in rows.exclude(**{f.name: ""}).values_list(f.name, flat=True):
            if name:
                files.append((f.storage, name))
    return files


def _files_remove(files: list[tuple]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # a file already gone, or storage down: the row is gone either way
            logger.warning("An erased file could not be removed from storage", exc_info=True)


def _reindex(model, pks: list) -> None:
    """Wagtail's search index holds copies of indexed rows: changed ones are indexed again,
    deleted ones leave it (queryset updates send no signals, so nothing else would)."""
    kept = {obj.pk: obj for obj in model._default_manager.filter(pk__in=pks)}
    for pk in pks:
        obj = kept.get(pk)
        if obj is not None:
            index.insert_or_update_object(obj)


def _audit(actor, action: str, request: ErasureRequest, **detail) -> None:
    """The audit log's entry: about the person (by id only), with the request's id."""
    target = request.staff or request.user
    record(actor=actor, action=action, target=target, detail={"request": request.pk, **detail})
