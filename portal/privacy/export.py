"""A person's download: every record the portal keeps about them, one JSON file per kind.

Read from the registry (`holdings`), so what the download holds and what erasure reaches are
the same list. One query per kind. Other people appear only where the person sees them on the
portal already (the colleagues they nominated); other people's words about them are not here.
"""

import io
import json
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .holdings import Holding, Person, holdings

README = """\
Your data from {portal}, as of {when} (UTC).

Each file holds one kind of record about you, as a JSON list with one object per record.
Times are in UTC. An empty list means the portal keeps nothing of that kind about you.

{files}

Not here: the text of messages sent to you (they may hold sign-in links), other people's
words about you that you do not see on the portal, and your pulse-check answers, which are
stored without your name and cannot be found again.
"""


@dataclass(frozen=True)
class Kind:
    name: str
    about: str
    records: list[dict]


def person_data(*, person: Person) -> list[Kind]:
    """Every exported kind of record about `person`, in the registry's order."""
    return [
        Kind(h.export.name, h.export.about, _records(h, person))
        for h in sorted(exported(), key=lambda h: h.export.name)
    ]


def exported() -> list[Holding]:
    return [h for h in holdings() if h.export is not None]


def _records(holding: Holding, person: Person) -> list[dict]:
    keys, lookups = zip(*holding.export.fields.items(), strict=True)
    rows = holding.rows(person).order_by(*holding.export.order_by).values_list(*lookups)
    return [dict(zip(keys, row, strict=True)) for row in rows]


def person_data_zip(*, person: Person, portal_name: str) -> bytes:
    """The download: a README and `<kind>.json` for each kind."""
    kinds = person_data(person=person)
    now = timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = "\n".join(f"{k.name}.json: {k.about}" for k in kinds)
        archive.writestr(
            "README.txt",
            README.format(portal=portal_name, when=f"{now:%Y-%m-%d %H:%M}", files=files),
        )
        for kind in kinds:
            archive.writestr(
                f"{kind.name}.json",
                json.dumps(kind.records, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            )
    return buffer.getvalue()
