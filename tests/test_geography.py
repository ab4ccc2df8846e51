import csv
from pathlib import Path

import numpy as np
import pytest

from model.geography import (
    PROVINCES_CSV,
    DataError,
    freeness_of_trade,
    internal_distance_km,
    load_province_lists,
    load_provinces,
    load_thailand,
    synthetic_geography,
)


def test_bundled_thailand(thailand):
    assert thailand.n == 77
    assert len(set(thailand.codes.tolist())) == 77
    assert thailand.bangkok_vicinity.sum() == 6
    assert thailand.border.sum() == 31
    assert thailand.research_university[thailand.index_of(40)]  # Khon Kaen University
    assert not thailand.research_university[thailand.index_of(38)]  # Bueng Kan
    d = thailand.distance_km
    assert np.allclose(d, d.T)
    bkk, cm = thailand.index_of(10), thailand.index_of(50)
    assert 570 < d[bkk, cm] < 600  # Bangkok–Chiang Mai ≈ 585 km great circle
    assert d[bkk, bkk] == pytest.approx(2 / 3 * np.sqrt(1571.4 / np.pi))


def test_internal_distance_and_freeness():
    assert internal_distance_km(np.array([np.pi * 9]))[0] == pytest.approx(2.0)
    phi = freeness_of_trade(np.array([[5.0, 20.0], [40.0, 5.0]]), theta=1.0, d0_km=10.0)
    assert phi.tolist() == [[1.0, 0.5], [0.25, 1.0]]


def test_province_lists_from_data():
    lists = load_province_lists()
    assert sorted(lists["EEC"]) == [20, 21, 24]
    assert len(lists["SEZ_phase1"]) == 5


def _write_variant(tmp_path: Path, edit) -> Path:
    with open(PROVINCES_CSV, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    rows, fields = edit(rows, fields)
    path = tmp_path / "provinces.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _set(row_index, column, value):
    def edit(rows, fields):
        rows[row_index][column] = value
        return rows, fields

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set(3, "lat", "25.1"), r"row 5, column 'lat': 25.1 is outside Thailand"),
        (_set(0, "lon", "120"), r"row 2, column 'lon': 120 is outside Thailand"),
        (_set(4, "code", "10"), r"row 6, column 'code': code 10 repeats row 2"),
        (_set(7, "population_2019", ""), r"row 9, column 'population_2019': '' is not a number"),
        (_set(7, "gpp_2019_mthb", "-5"), r"row 9, column 'gpp_2019_mthb': -5 must be > 0"),
        (_set(2, "area_km2", "inf"), r"row 4, column 'area_km2': 'inf' is not finite"),
        (_set(2, "region", "Isan"), r"row 4, column 'region': 'Isan' is not a NESDC region"),
        (_set(2, "border", "yes"), r"row 4, column 'border': 'yes'; allowed: 0 or 1"),
        (lambda r, f: (r[:-1], f), r"76 provinces, expected 77"),
        (lambda r, f: (r, [c for c in f if c != "lat"]), r"missing column\(s\) lat"),
    ],
)
def test_loader_names_file_row_and_column(tmp_path, edit, message):
    path = _write_variant(tmp_path, edit)
    with pytest.raises(DataError, match=message) as info:
        load_thailand(provinces_csv=path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_provinces(tmp_path / "nope.csv")


def test_synthetic_geography_is_seeded_and_shaped():
    a, b, c = synthetic_geography(40, 1), synthetic_geography(40, 1), synthetic_geography(40, 2)
    assert np.array_equal(a.population, b.population) and not np.array_equal(a.lat, c.lat)
    assert a.n == 40 and a.bangkok_vicinity.sum() == 6 and a.bangkok_vicinity[0]
    gpp_pc = a.gpp_mthb / a.population
    assert gpp_pc[0] == gpp_pc.max()
    assert set(np.unique(a.region)) <= set(range(7))
    with pytest.raises(ValueError, match="n ≥ 2"):
        synthetic_geography(1)
