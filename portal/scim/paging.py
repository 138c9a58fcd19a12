"""The query parameters every list shares: filter, startIndex, count, attributes."""

from pydantic import ValidationError
from scim2_models import ResponseParameters, SearchRequest

from .errors import from_validation
from .protocol import DEFAULT_COUNT, MAX_RESULTS


def search_parameters(source: dict) -> tuple[SearchRequest, int, int]:
    """The search, its first index (from 1) and its page size (at most `MAX_RESULTS`)."""
    wanted = {k: source[k] for k in ("filter", "startIndex", "count") if source.get(k) is not None}
    try:
        search = SearchRequest.model_validate(wanted)
    except ValidationError as error:
        raise from_validation(error) from None
    count = DEFAULT_COUNT if search.count is None else search.count
    return search, max(1, search.start_index or 1), max(0, min(count, MAX_RESULTS))


def response_parameters(source: dict) -> ResponseParameters:
    wanted = {k: source[k] for k in ("attributes", "excludedAttributes") if source.get(k)}
    try:
        return ResponseParameters.model_validate(wanted)
    except ValidationError as error:
        raise from_validation(error) from None
