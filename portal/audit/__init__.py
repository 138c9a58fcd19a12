"""The audit log: who read named reports, exported lists, changed who may do what, how tiers,
roles and the champion score are defined, decided on champions, imported staff, or erased a
person's data.

Append-only: nobody edits or deletes an entry through the portal (the model has only the view
permission, the admin list is read-only), and on PostgreSQL a trigger refuses any UPDATE or
DELETE of its rows (migration `0022_audit_log`). Entries name people by id only, never by name
or email, so erasing a person pseudonymises what the log shows without touching the log: names
are looked up when the log is read.
"""
