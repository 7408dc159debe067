import pytest
from hypothesis import given
from hypothesis import strategies as st

from panels.allocation import allocate_standards, new_allocation_seed

# Lincolnshire's L1-L2 route (fixtures/frameworks/lincolnshire_childrens_social_workers.yaml).
LINCOLNSHIRE = {
    "standard_set": "kss_child_family",
    "mode": "allocated",
    "always": [4, 5, 7],
    "allocate": 2,
    "allocate_from": [1, 2, 3, 6, 8],
    "worker_may_choose": False,
}
DUDLEY = {"mode": "all", "always": list(range(1, 11)), "allocate": 0, "allocate_from": []}


def test_lincolnshire_always_gives_4_5_and_7_and_two_different_standards_from_the_pool():
    allocation = allocate_standards(policy=LINCOLNSHIRE, seed=1)
    assert allocation.always == (4, 5, 7)
    assert len(allocation.drawn) == 2
    assert len(set(allocation.drawn)) == 2
    assert set(allocation.drawn) <= {1, 2, 3, 6, 8}
    assert len(allocation.standards) == 5


@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_every_seed_gives_a_valid_allocation_that_its_seed_reproduces(seed):
    allocation = allocate_standards(policy=LINCOLNSHIRE, seed=seed)
    assert allocation.always == (4, 5, 7)
    assert len(set(allocation.drawn)) == 2
    assert set(allocation.drawn) <= {1, 2, 3, 6, 8}
    assert allocation.seed == seed
    assert allocate_standards(policy=LINCOLNSHIRE, seed=seed) == allocation


def test_every_pool_member_and_every_pair_is_reachable():
    drawn = {allocate_standards(policy=LINCOLNSHIRE, seed=seed).drawn for seed in range(500)}
    assert {number for pair in drawn for number in pair} == {1, 2, 3, 6, 8}
    assert len(drawn) == 10  # 5 choose 2


def test_policy_all_gives_every_standard_and_draws_nothing():
    allocation = allocate_standards(policy=DUDLEY, seed=42)
    assert allocation.standards == tuple(range(1, 11))
    assert allocation.drawn == ()


def test_a_pool_member_already_always_given_is_not_drawn_again():
    policy = {**LINCOLNSHIRE, "allocate_from": [4, 1, 2]}
    for seed in range(50):
        assert set(allocate_standards(policy=policy, seed=seed).drawn) == {1, 2}


def test_a_policy_drawing_more_than_its_pool_is_refused():
    with pytest.raises(ValueError, match="pool of 1"):
        allocate_standards(policy={**LINCOLNSHIRE, "allocate_from": [1]}, seed=0)


def test_new_seeds_differ():
    assert len({new_allocation_seed() for _ in range(20)}) == 20
