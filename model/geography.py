"""Provinces, distances and freeness of trade (spec §0, §3): bundled Thai data or a synthetic map.

The loader validates the bundled tables and names the file, row and column of any problem, so a
user who edits the data gets told exactly what is wrong.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCES_CSV = DATA_DIR / "provinces.csv"
UNIVERSITIES_CSV = DATA_DIR / "universities.csv"
SECONDARY_CITIES_CSV = DATA_DIR / "secondary_cities.csv"
CORRIDORS_CSV = DATA_DIR / "corridors.csv"

BANGKOK_AND_VICINITY = "Bangkok and Vicinity"
REGIONS: tuple[str, ...] = (
    BANGKOK_AND_VICINITY,
    "Central",
    "Eastern",
    "Western",
    "Northern",
    "Northeastern",
    "Southern",
)
#: The same regions in Thai (labels, and accepted in scenario targets).
REGIONS_TH: tuple[str, ...] = (
    "กรุงเทพฯ และปริมณฑล",
    "ภาคกลาง",
    "ภาคตะวันออก",
    "ภาคตะวันตก",
    "ภาคเหนือ",
    "ภาคตะวันออกเฉียงเหนือ",
    "ภาคใต้",
)
#: Lists of `secondary_cities.csv` whose union (minus Bangkok and Vicinity) stands in for the
#: secondary cities (SOURCES.md, "Named target lists").
SECONDARY_CITY_LISTS = (
    "depa_smart_city_first_wave",
    "ASEAN_Smart_Cities_Network",
    "smart_city_logo_2021_partial",
    "smart_city_proposed_2023",
    "smart_city_competitiveness_index_2023_top",
    "MoI_Northeast_first_order_cities",
)
#: University types counted as research universities (U_j = 1 in §6); Rajabhat and
#: Rajamangala universities are teaching universities and do not count.
RESEARCH_UNIVERSITY_TYPES = frozenset({"flagship_research", "research", "regional_flagship"})
#: Thailand's bounding box (SOURCES.md: all capitals within lat 5.6–20.5, lon 97.3–105.7).
THAILAND_LAT = (5.6, 20.5)
THAILAND_LON = (97.3, 105.7)
EARTH_RADIUS_KM = 6371.0088
N_THAI_PROVINCES = 77

REQUIRED_COLUMNS = (
    "code",
    "name_en",
    "name_th",
    "region",
    "lat",
    "lon",
    "area_km2",
    "population_2019",
    "gpp_2019_mthb",
    "border",
)


class DataError(ValueError):
    """Bad input data: the message names the file, the row and the column."""


@dataclass(frozen=True, eq=False)
class Geography:
    """The provinces' fixed attributes (index i = row), plus great-circle distances."""

    codes: np.ndarray  # int, DOPA province code
    name_en: tuple[str, ...]
    name_th: tuple[str, ...]
    region: np.ndarray  # int index into `region_names`
    region_names: tuple[str, ...]
    lat: np.ndarray  # degrees
    lon: np.ndarray  # degrees
    area_km2: np.ndarray
    population: np.ndarray  # persons, 2019 (NESDC estimate)
    population_registered: np.ndarray  # persons, DOPA registered 2019
    gpp_mthb: np.ndarray  # MTHB 2019, as in the table (a distribution; rescaled by the model)
    border: np.ndarray  # bool
    research_university: np.ndarray  # bool, U_i
    source: str  # "thailand" or "synthetic(n=…, seed=…)"
    distance_km: np.ndarray = field(init=False)  # d_ij, with d_ii the internal distance

    def __post_init__(self) -> None:
        d = great_circle_km(self.lat, self.lon)
        np.fill_diagonal(d, internal_distance_km(self.area_km2))
        d.setflags(write=False)
        object.__setattr__(self, "distance_km", d)

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def bangkok_vicinity(self) -> np.ndarray:
        """Mask of the Bangkok-and-Vicinity region (the core of the core–periphery pattern)."""
        return self.region == self.region_names.index(BANGKOK_AND_VICINITY)

    def index_of(self, code: int) -> int:
        hits = np.flatnonzero(self.codes == code)
        if len(hits) == 0:
            raise KeyError(f"no province with code {code}")
        return int(hits[0])


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Haversine distances (km) between all pairs of points."""
    phi = np.radians(lat)[:, None]
    lam = np.radians(lon)[:, None]
    dphi = phi - phi.T
    dlam = lam - lam.T
    a = np.sin(dphi / 2) ** 2 + np.cos(phi) * np.cos(phi.T) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def internal_distance_km(area_km2: np.ndarray) -> np.ndarray:
    """Mean internal distance of a disc of the province's area: (2/3)·sqrt(area/π)."""
    return (2.0 / 3.0) * np.sqrt(np.asarray(area_km2, dtype=float) / math.pi)


def freeness_of_trade(effective_distance_km: np.ndarray, theta: float, d0_km: float) -> np.ndarray:
    """φ_ij = min(1, (D_ij/D0)^−θ) off the diagonal, φ_ii = 1 (spec §3)."""
    phi = np.minimum(1.0, (effective_distance_km / d0_km) ** (-theta))
    np.fill_diagonal(phi, 1.0)
    return phi


# ---------------------------------------------------------------------------------- loading
def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc})") from None


def _number(path: Path, row: int, column: str, text: str, *, positive: bool) -> float:
    where = f"{path}, row {row}, column {column!r}"
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise DataError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{where}: {text!r} is not finite")
    if positive and value <= 0:
        raise DataError(f"{where}: {value:g} must be > 0")
    return value


def load_provinces(path: Path | str = PROVINCES_CSV, *, expected_count: int | None = 77) -> dict:
    """Read and validate the provinces table; rows are numbered as in a spreadsheet (header = 1)."""
    path = Path(path)
    rows = _read_csv(path)
    if not rows:
        raise DataError(f"{path}: no data rows")
    missing = [c for c in REQUIRED_COLUMNS if c not in rows[0]]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(REQUIRED_COLUMNS)}"
        )
    if expected_count is not None and len(rows) != expected_count:
        raise DataError(f"{path}: {len(rows)} provinces, expected {expected_count}")
    out: dict[str, list] = {c: [] for c in (*REQUIRED_COLUMNS, "pop_registered_2019")}
    seen: dict[int, int] = {}
    for k, r in enumerate(rows, start=2):
        code = _number(path, k, "code", r["code"], positive=True)
        if code != int(code):
            raise DataError(f"{path}, row {k}, column 'code': {r['code']!r} is not a whole number")
        code = int(code)
        if code in seen:
            raise DataError(
                f"{path}, row {k}, column 'code': code {code} repeats row {seen[code]}; "
                "codes must be unique"
            )
        seen[code] = k
        for c in ("name_en", "name_th"):
            if not (r[c] or "").strip():
                raise DataError(f"{path}, row {k}, column {c!r}: empty name")
        if r["region"] not in REGIONS:
            raise DataError(
                f"{path}, row {k}, column 'region': {r['region']!r} is not a NESDC region; "
                f"allowed: {', '.join(REGIONS)}"
            )
        lat = _number(path, k, "lat", r["lat"], positive=False)
        lon = _number(path, k, "lon", r["lon"], positive=False)
        if not THAILAND_LAT[0] <= lat <= THAILAND_LAT[1]:
            raise DataError(
                f"{path}, row {k}, column 'lat': {lat:g} is outside Thailand "
                f"({THAILAND_LAT[0]}–{THAILAND_LAT[1]} °N)"
            )
        if not THAILAND_LON[0] <= lon <= THAILAND_LON[1]:
            raise DataError(
                f"{path}, row {k}, column 'lon': {lon:g} is outside Thailand "
                f"({THAILAND_LON[0]}–{THAILAND_LON[1]} °E)"
            )
        border = (r["border"] or "").strip()
        if border not in ("0", "1"):
            raise DataError(f"{path}, row {k}, column 'border': {border!r}; allowed: 0 or 1")
        registered = r.get("pop_registered_2019") or r["population_2019"]
        out["code"].append(code)
        out["name_en"].append(r["name_en"].strip())
        out["name_th"].append(r["name_th"].strip())
        out["region"].append(REGIONS.index(r["region"]))
        out["lat"].append(lat)
        out["lon"].append(lon)
        for c in ("area_km2", "population_2019", "gpp_2019_mthb"):
            out[c].append(_number(path, k, c, r[c], positive=True))
        out["pop_registered_2019"].append(
            _number(path, k, "pop_registered_2019", registered, positive=True)
        )
        out["border"].append(border == "1")
    return out


def load_research_universities(path: Path | str = UNIVERSITIES_CSV) -> set[int]:
    """Province codes hosting a research university (main campus)."""
    path = Path(path)
    codes = set()
    for k, r in enumerate(_read_csv(path), start=2):
        if r.get("type") in RESEARCH_UNIVERSITY_TYPES:
            codes.add(int(_number(path, k, "province_code", r["province_code"], positive=True)))
    return codes


def load_province_lists(path: Path | str = SECONDARY_CITIES_CSV) -> dict[str, list[int]]:
    """Named lists of province codes (EEC, SEZ phases, smart cities…) from the data."""
    path = Path(path)
    lists: dict[str, list[int]] = {}
    for k, r in enumerate(_read_csv(path), start=2):
        code = r.get("province_code") or ""
        if not code.strip():
            continue
        value = int(_number(path, k, "province_code", code, positive=True))
        lists.setdefault(r["list"], [])
        if value not in lists[r["list"]]:
            lists[r["list"]].append(value)
    return lists


def load_corridors(path: Path | str = CORRIDORS_CSV) -> dict[str, list[int]]:
    """Named transport routes: province codes in travel order (SOURCES.md, corridors.csv)."""
    path = Path(path)
    rows: dict[str, list[tuple[int, int]]] = {}
    for k, r in enumerate(_read_csv(path), start=2):
        order = int(_number(path, k, "order", r.get("order") or "", positive=True))
        code = int(_number(path, k, "province_code", r.get("province_code") or "", positive=True))
        rows.setdefault(r["route"], []).append((order, code))
    return {name: [code for _, code in sorted(items)] for name, items in rows.items()}


_BUNDLED_LISTS: dict[str, list[int]] | None = None


def _bundled_province_lists() -> dict[str, list[int]]:
    """`load_province_lists()` of the bundled file, read once: every scenario a session builds
    names its targets, and reading the CSV again cost about 1 ms each time (a copy is returned)."""
    global _BUNDLED_LISTS
    if _BUNDLED_LISTS is None:
        _BUNDLED_LISTS = load_province_lists()
    return {name: list(codes) for name, codes in _BUNDLED_LISTS.items()}


def named_province_lists(geo: Geography) -> dict[str, list[int]]:
    """Target lists of the policy levers by name: eec, sez, sez_phase1/2, secondary_cities.

    Thai data only: a synthetic geography has none of them.
    """
    if geo.source != "thailand":
        return {}
    lists = _bundled_province_lists()
    bv = set(geo.codes[geo.bangkok_vicinity].tolist())
    secondary = sorted(
        {c for name in SECONDARY_CITY_LISTS for c in lists.get(name, [])} - bv,
    )
    return {
        "eec": lists["EEC"],
        "sez": lists["SEZ_phase1"] + lists["SEZ_phase2"],
        "sez_phase1": lists["SEZ_phase1"],
        "sez_phase2": lists["SEZ_phase2"],
        "secondary_cities": secondary,
    }


_THAILAND: Geography | None = None


def load_thailand(
    provinces_csv: Path | str | None = None, universities_csv: Path | str | None = None
) -> Geography:
    """The 77 provinces from the bundled data (cached when the bundled files are used)."""
    global _THAILAND
    bundled = provinces_csv is None and universities_csv is None
    if bundled and _THAILAND is not None:
        return _THAILAND
    t = load_provinces(provinces_csv or PROVINCES_CSV)
    universities = load_research_universities(universities_csv or UNIVERSITIES_CSV)
    codes = np.array(t["code"], dtype=np.int64)
    unknown = sorted(universities - set(t["code"]))
    if unknown:
        raise DataError(
            f"{universities_csv or UNIVERSITIES_CSV}: column 'province_code' has codes {unknown} "
            "that are not in the provinces table"
        )
    geo = Geography(
        codes=codes,
        name_en=tuple(t["name_en"]),
        name_th=tuple(t["name_th"]),
        region=np.array(t["region"], dtype=np.int64),
        region_names=REGIONS,
        lat=np.array(t["lat"]),
        lon=np.array(t["lon"]),
        area_km2=np.array(t["area_km2"]),
        population=np.array(t["population_2019"]),
        population_registered=np.array(t["pop_registered_2019"]),
        gpp_mthb=np.array(t["gpp_2019_mthb"]),
        border=np.array(t["border"], dtype=bool),
        research_university=np.isin(codes, sorted(universities)),
        source="thailand",
    )
    if bundled:
        _THAILAND = geo
    return geo


def synthetic_geography(n: int, seed: int = 0) -> Geography:
    """A random country of `n` provinces shaped like Thailand's economy, for tests and benchmarks.

    One primate capital with its five nearest neighbours forms "Bangkok and Vicinity"; the rest
    fall into six regions by direction from the capital. Populations and GPP per capita are
    lognormal, the capital is several times richer, border provinces are the outer ring.
    """
    if n < 2:
        raise ValueError(f"a synthetic geography needs n ≥ 2 provinces, got {n}")
    rng = np.random.default_rng(seed)
    # Points in a 900 km × 1500 km box placed over Thailand's latitudes.
    lat = 6.0 + rng.random(n) * 13.5
    lon = 98.0 + rng.random(n) * 7.0
    area = 515_000.0 / n * rng.lognormal(0.0, 0.4, n)
    population = 69.6e6 / n * rng.lognormal(0.0, 0.6, n)
    gpp_pc = 0.16 * rng.lognormal(0.0, 0.45, n)  # MTHB per person
    capital = 0
    lat[capital], lon[capital] = 13.75, 100.5
    population[capital] *= 6.0
    gpp_pc[capital] = 3.5 * np.median(gpp_pc)
    d = great_circle_km(lat, lon)
    region = np.empty(n, dtype=np.int64)
    angle = np.arctan2(lat - lat[capital], lon - lon[capital])
    region[:] = 1 + np.floor((angle + np.pi) / (2 * np.pi) * 6).astype(np.int64) % 6
    region[np.argsort(d[capital])[: min(6, n)]] = 0
    far = d[capital] >= np.quantile(d[capital], 0.6)
    univ = rng.random(n) < 0.2
    univ[capital] = True
    return Geography(
        codes=np.arange(1, n + 1, dtype=np.int64),
        name_en=tuple(f"Province {i + 1:03d}" for i in range(n)),
        name_th=tuple(f"จังหวัด {i + 1:03d}" for i in range(n)),
        region=region,
        region_names=REGIONS,
        lat=lat,
        lon=lon,
        area_km2=area,
        population=population,
        population_registered=population.copy(),
        gpp_mthb=gpp_pc * population,
        border=far,
        research_university=univ,
        source=f"synthetic(n={n}, seed={seed})",
    )
