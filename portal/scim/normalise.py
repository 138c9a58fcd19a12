"""Payloads as identity providers really send them, put in the shape RFC 7644 describes.

- Entra ID with `aadOptscim062020` sends a PATCH without a path whose value holds attribute
  paths as keys (`{"op": "replace", "value": {"emails[type eq \\"work\\"].value": "..."}}`),
  which scim2-models applies only for plain names: each key becomes an operation of its own.
- Okta renames a group with `{"op": "replace", "value": {"id": ..., "displayName": ...}}`: the
  id (read-only, and the group's own) is left out rather than refused.
- Entra ID sends the enterprise manager as its id alone (`"value": "<id>"`), where the schema
  has a complex attribute (`{"value": "<id>"}`), in PATCH and in POST.
Everything else (a capitalised `"Replace"`, `"False"` as a string, remove-by-value) the models
take as it comes, under `protocol.POLICY`.
"""

from .protocol import ENTERPRISE

MANAGER_PATH = f"{ENTERPRISE}:manager".lower()


def patch_normalised(data: dict) -> dict:
    operations = data.get("Operations")
    if not isinstance(operations, list):
        return data
    out = []
    for operation in operations:
        if not isinstance(operation, dict):
            out.append(operation)
            continue
        value = operation.get("value")
        if operation.get("path") is None and isinstance(value, dict):
            for path, item in _paths(value):
                out.append({**operation, "path": path, "value": _manager(path, item)})
        else:
            path = operation.get("path")
            out.append({**operation, "value": _manager(path, value)} if path else operation)
    return {**data, "Operations": out}


def resource_normalised(data: dict) -> dict:
    extension = data.get(ENTERPRISE)
    if isinstance(extension, dict) and isinstance(extension.get("manager"), str):
        data = {**data, ENTERPRISE: {**extension, "manager": {"value": extension["manager"]}}}
    return data


def _paths(value: dict):
    for key, item in value.items():
        if key.lower() == ENTERPRISE.lower() and isinstance(item, dict):
            for name, sub in item.items():
                yield f"{ENTERPRISE}:{name}", sub
        elif key.lower() not in ("schemas", "id", "meta"):  # Okta sends the group's own id
            yield key, item


def _manager(path, value):
    if isinstance(path, str) and path.lower() == MANAGER_PATH and isinstance(value, str):
        return {"value": value}
    return value
