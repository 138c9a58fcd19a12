"""Tests of the rollout. `waiting()` opens the pulse answers waiting for their batch."""


def waiting() -> list[dict]:
    """The waiting pulse answers, unsealed with the portal's key, as the service keeps them."""
    from portal.rollout.models import PulsePending
    from portal.rollout.sealing import unseal

    pile = PulsePending.objects.filter(pk=1).first()
    return unseal(pile.sealed) if pile is not None and pile.sealed else []
