"""A person's rights over what the portal keeps about them: to download it, and to have it
erased.

`holdings` is the registry of every kind of record about a person (each app lists its own in a
`personal_data` module); `export` reads it into a ZIP of JSON files; `erasure` takes a request
from the person or a community manager, a superuser's approval, and then removes or
pseudonymises every record (`pseudonyms`), ends their sessions and checks every text column for
what identified them (`scan`). `retention` thins the engagement events once they are old.
"""
