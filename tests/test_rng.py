import numpy as np

from lmsim import rng
from lmsim.rng import Purpose


def test_draws_are_keyed_not_streamed():
    ids = np.arange(1000)
    a = rng.uniform(11, ids, 24230, Purpose.QUIT)
    assert np.array_equal(a, rng.uniform(11, ids, 24230, Purpose.QUIT))
    # removing one agent leaves every other agent's draw for the month and purpose unchanged
    without = np.delete(ids, 417)
    assert np.array_equal(rng.uniform(11, without, 24230, Purpose.QUIT), np.delete(a, 417))
    # order does not matter either: draws follow the id, not the position
    shuffled = ids[::-1]
    assert np.array_equal(rng.uniform(11, shuffled, 24230, Purpose.QUIT), a[::-1])


def test_keys_separate_seed_month_and_purpose():
    ids = np.arange(5000)
    base = rng.uniform(1, ids, 100, Purpose.QUIT)
    for other in (rng.uniform(2, ids, 100, Purpose.QUIT), rng.uniform(1, ids, 101, Purpose.QUIT),
                  rng.uniform(1, ids, 100, Purpose.JOB_SEARCH)):
        assert np.corrcoef(base, other)[0, 1] ** 2 < 1e-3
        assert not np.array_equal(base, other)


def test_uniform_and_bernoulli_are_calibrated():
    ids = np.arange(200_000)
    u = rng.uniform(5, ids, 7, Purpose.QUIT)
    assert 0 <= u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.003
    hits = rng.bernoulli(5, ids, 7, Purpose.QUIT, 0.3)
    assert abs(hits.mean() - 0.3) < 0.003
    # the scalar fast path gives the same events as comparing uniforms
    assert np.array_equal(hits, u < 0.3)
    z = rng.normal(5, ids, 7, Purpose.QUIT)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
