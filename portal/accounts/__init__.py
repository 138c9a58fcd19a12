"""Sign-in: who may have an account, single sign-on, throttling, sign-in links, second factors.

django-allauth runs the protocols and the forms; this package holds our rules behind its
adapters: an account exists only for an active person in the staff directory (`admission`),
roles may follow the identity provider's groups (`services.roles_sync`), and a person who
leaves the directory loses access at once (`services.users_deactivate`).
"""
