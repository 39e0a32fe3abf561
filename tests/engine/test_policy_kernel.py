"""The compiled policy application agrees with the numpy reference."""

from __future__ import annotations

import numpy as np
import pytest

from hashpivot.engine import switching
from hashpivot.engine.switching import apply_policy, longstaff_schwartz


@pytest.mark.parametrize(("known", "itm"), [(True, True), (True, False), (False, False)])
def test_compiled_apply_policy_equals_numpy(
    monkeypatch: pytest.MonkeyPatch, known: bool, itm: bool
) -> None:
    rng = np.random.default_rng(11)
    paths, dates = 4_000, 12
    x = rng.normal(size=(paths, dates, 2))
    ev = 1.0 + x[:, :, 0] - 0.5 * x[:, :, 1] + rng.normal(0, 0.5, (paths, dates))
    cf = 0.1 + 0.05 * rng.normal(size=(paths, dates))
    df = 0.99 ** np.arange(dates)
    fit = longstaff_schwartz(ev, cf, df, x, itm_only=itm, exercise_known=known)
    x2 = rng.normal(size=(paths, dates, 2))
    ev2 = 1.0 + x2[:, :, 0] + rng.normal(0, 0.5, (paths, dates))
    monkeypatch.setattr(switching, "COMPILED", True)
    a = apply_policy(fit.policy, ev2, cf, df, x2)
    monkeypatch.setattr(switching, "COMPILED", False)
    b = apply_policy(fit.policy, ev2, cf, df, x2)
    np.testing.assert_array_equal(a.stopping_index, b.stopping_index)
    np.testing.assert_allclose(a.path_values, b.path_values, rtol=1e-12)
