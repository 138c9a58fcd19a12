"""Which reads of the adoption report go into the audit log, and with what.

A page is recorded only when it names people (a manager's own line, the programme's
organisers), each time it is served, htmx swaps and people-table pages included; every
download is recorded, named or not, since it leaves the portal. An entry says which view:
the line (its head, by id), the filters, the period and the output; whether the people table
was searched is kept, but not what was typed, which may be someone's name.
"""

from ..audit.services import record
from .selectors import Adoption

WHOLE_ORGANISATION = "Adoption report: whole organisation"


def report_read_record(
    *, user, report: Adoption, output: str, table: str = "", searched: bool = False
) -> None:
    """`user` was shown `report` as `output` ("page", "pdf", "xlsx" or "csv" of `table`)."""
    scope = report.scope
    names = scope.names_visible
    if output == "page" and not names:
        return
    detail = {"output": output, "names": names, **scope.filters.query()}
    if table:
        detail["table"] = table
    if searched:
        detail["searched"] = True
    record(
        actor=user,
        action="report.viewed" if output == "page" else "report.exported",
        target=scope.line_head or WHOLE_ORGANISATION,
        detail=detail,
    )
