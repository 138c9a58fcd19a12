"""SCIM 2.0 provisioning (RFC 7643/7644, issue 21): the company's identity provider pushes
joiners, movers and leavers to `/scim/v2/`, so the directory stays true without a CSV file.

Why it is built this way: the protocol (resources, the enterprise extension, filters, PATCH and
its Entra ID quirks, errors) is scim2-models' pydantic models; the views, the mapping onto the
directory and every write are ours, because the directory is `Staff`, not Django's `User`, and
it must be checked exactly as the HR import checks it (`portal.people.person`). The rooms:

- `tokens`: bearer tokens, stored hashed, created and revoked by superusers (admin or
  `manage.py scim_token`), any number valid at once so a token can be rotated.
- `protocol`: what the service publishes (schemas, resource types, its configuration) and the
  models requests are read with.
- `mapping`: a person in the directory as a SCIM User and back; `groups` the same for Groups.
- `filters`: a SCIM filter as a database query (never a scan in Python).
- `services` (writes) and `selectors` (reads); `calls` keeps the last calls for the admin.
- `views` + `urls`: authentication, limits and errors in SCIM's own shape, then one service or
  selector per request.
"""
