import dataclasses

import pytest

from model.parameters import ParameterError, Parameters, parameter_table


def test_defaults_are_spec_values():
    p = Parameters()
    assert (p.elasticity_substitution, p.modern_share, p.distance_elasticity) == (5.0, 0.4, 1.0)
    assert p.poverty_line_thb_year == 2762 * 12
    assert p.gdp_2019_mthb == 16_898_086


def test_every_parameter_has_unit_bounds_source_and_default_within_bounds():
    for row in parameter_table():
        low, high = row["bounds"]
        assert row["unit"] and row["source"] and row["doc"], row["name"]
        assert low <= float(row["default"]) <= high, row["name"]


def test_override_by_name_and_alias():
    p = Parameters().replace(sigma=4, modern_share="0.3", shocks="off")
    assert p.elasticity_substitution == 4.0 and p.modern_share == 0.3 and p.shocks is False


def test_unknown_name_lists_allowed_names():
    with pytest.raises(ParameterError, match=r"unknown parameter 'sgima'.*elasticity_substitution"):
        Parameters().replace(sgima=4)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("tax_rate", 0.7, r"out of bounds; allowed: 0 ≤ tax_rate ≤ 0.6"),
        ("migration_rate", -0.1, "out of bounds"),
        ("saving_rate", "abc", "must be a number"),
        ("saving_rate", "nan", "must be finite"),
        ("learning_window_years", 2.5, "whole number"),
        ("shocks", "maybe", "true or false"),
    ],
)
def test_bad_values_are_refused_with_what_is_allowed(name, value, message):
    with pytest.raises(ParameterError, match=message):
        Parameters().replace(**{name: value})


def test_no_black_hole_condition():
    with pytest.raises(ParameterError, match=r"must be below \(σ−1\)/σ = 0.75"):
        Parameters().replace(sigma=4, mu=0.75)
    Parameters().replace(sigma=4, mu=0.74)


def test_parameters_are_immutable_and_hashable():
    p = Parameters()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.tax_rate = 0.2
    assert hash(p) == hash(Parameters())
