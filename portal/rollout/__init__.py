"""The programme's rollout: a voluntary pilot, then waves of invitations, and pulse checks."""
