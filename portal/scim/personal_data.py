"""What provisioning keeps about a person (`portal.privacy.holdings`): the identity provider's
own record of them (userName, externalId, names and addresses as sent) goes with an erasure;
should the provider send them again, they arrive as someone new."""

from portal.privacy.holdings import Custom, Delete, Export, Holding, Keep, register

from .models import ScimGroup, ScimToken, ScimUser


def _memberships_end(rows, person) -> int:
    if person.staff is None:
        return 0
    return ScimGroup.members.through.objects.filter(staff=person.staff).delete()[0]


register(
    Holding(
        ScimUser,
        links=("staff",),
        export=Export(
            "identity_provider_record",
            "What the company's identity provider sent about you.",
            {
                "user_name": "user_name",
                "external_id": "external_id",
                "attributes": "attributes",
                "created": "created_at",
                "updated": "updated_at",
                "deleted": "deleted_at",
            },
        ),
        erase=Delete(),
        identifies={"username": "user_name"},
    ),
    Holding(
        ScimGroup,
        links=("members",),
        export=Export(
            "identity_provider_groups",
            "Groups the identity provider says you are in.",
            {"group": "display_name"},
        ),
        erase=Custom("they leave every group", _memberships_end),
    ),
    Holding(
        ScimToken,
        links=("created_by", "revoked_by"),
        left_out="a token a superuser made for the identity provider: the organisation's, not "
        "about them",
        erase=Keep("it stays under the pseudonymous account"),
    ),
)
