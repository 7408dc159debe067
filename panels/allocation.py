"""Which standards a worker evidences, drawn at booking from the route's standards policy.

Pure: the draw depends only on the policy and the seed, so the record of a booking (who drew,
when, the seed) reproduces it exactly. The worker never chooses; the pool is drawn without
replacement, so two drawn standards are always different."""

import random
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Allocation:
    always: tuple  # the standards every applicant on the route evidences
    drawn: tuple  # those drawn at random for this applicant, in ascending order
    seed: int

    @property
    def standards(self):
        return tuple(sorted({*self.always, *self.drawn}))


def new_allocation_seed():
    """A fresh seed to draw with and store beside the booking. Unpredictable, so nobody can
    arrange which standards they get."""
    return secrets.randbits(63)


def allocate_standards(*, policy, seed):
    """The standards for one applicant under a route's standards_policy (see fixtures/README.md):
    mode "all" gives every standard in `always`; mode "allocated" adds `allocate` more drawn
    from `allocate_from`, leaving out any already given."""
    always = tuple(sorted(int(number) for number in policy.get("always") or ()))
    if policy.get("mode") != "allocated":
        return Allocation(always=always, drawn=(), seed=seed)
    pool = sorted({int(number) for number in policy.get("allocate_from") or ()} - set(always))
    count = int(policy.get("allocate") or 0)
    if count > len(pool):
        raise ValueError(f"The policy draws {count} standards from a pool of {len(pool)}.")
    drawn = random.Random(seed).sample(pool, count)
    return Allocation(always=always, drawn=tuple(sorted(drawn)), seed=seed)
