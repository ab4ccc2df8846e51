"""Every user-facing string of the figures and the report, in English and Thai, in one table.

The dashboard reuses the same keys, so a label is translated once. `t(key, lang, **fields)`
looks a label up and fills ``{placeholders}``; unknown keys raise so a typo is caught by the
tests instead of showing a raw key to a reader.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

LANGS: tuple[str, ...] = ("en", "th")

#: key → (English, Thai). Units follow the outputs' units (docs/ODD.md §9), rescaled for reading.
LABELS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ national series
    "year": ("Year", "ปี (ค.ศ.)"),
    "gdp_mthb": ("GDP (trillion THB, 2019 prices)", "ผลิตภัณฑ์มวลรวมในประเทศ (ล้านล้านบาท ราคาปี 2019)"),
    "gdp_per_capita_thb": ("GDP per capita (thousand THB)", "ผลิตภัณฑ์มวลรวมในประเทศต่อหัว (พันบาท)"),
    "gini_weighted": (
        "Gini of GPP per capita (population-weighted)",
        "สัมประสิทธิ์จีนีของ GPP ต่อหัว (ถ่วงด้วยประชากร)",
    ),
    "williamson_cv": ("Williamson coefficient of variation", "ดัชนีวิลเลียมสัน (CV ถ่วงด้วยประชากร)"),
    "bv_share_gdp": (
        "Bangkok and Vicinity share of GDP (%)",
        "สัดส่วน GDP ของกรุงเทพฯ และปริมณฑล (%)",
    ),
    "poverty_pct": ("Poverty headcount (% of persons)", "สัดส่วนคนจน (% ของประชากร)"),
    "gdp_growth_pct": ("GDP growth (% per year)", "อัตราการเติบโตของ GDP (% ต่อปี)"),
    "theil_t": ("Theil T of GPP per capita", "ดัชนีธีล T ของ GPP ต่อหัว"),
    "band": ("{lo}–{hi}% of replications", "ช่วง {lo}–{hi}% ของการจำลองซ้ำ"),
    "median_of": ("median of {n} replications", "มัธยฐานของการจำลองซ้ำ {n} ครั้ง"),
    "time_series_title": ("National outcomes", "ผลลัพธ์ระดับประเทศ"),
    # ------------------------------------------------------------------ maps
    "map_gpp_per_capita": (
        "GPP per capita, {year} (thousand THB)",
        "ผลิตภัณฑ์มวลรวมจังหวัดต่อหัว ปี {year} (พันบาท)",
    ),
    "map_gpp_per_capita_change": (
        "Change in GPP per capita, {base_year}–{year} (%)",
        "การเปลี่ยนแปลงของ GPP ต่อหัว ปี {base_year}–{year} (%)",
    ),
    "map_population_change": (
        "Population change, {base_year}–{year} (%)",
        "การเปลี่ยนแปลงของประชากร ปี {base_year}–{year} (%)",
    ),
    "map_net_migration": (
        "Net migration, {base_year}–{year} (% of {base_year} population)",
        "การย้ายถิ่นสุทธิ ปี {base_year}–{year} (% ของประชากรปี {base_year})",
    ),
    "map_poverty": ("Poverty headcount, {year} (%)", "สัดส่วนคนจน ปี {year} (%)"),
    "diff_gpp_per_capita": (
        "GPP per capita, {year}: difference from baseline (%)",
        "GPP ต่อหัว ปี {year}: ส่วนต่างจากกรณีฐาน (%)",
    ),
    "diff_gpp_per_capita_change": (
        "Growth of GPP per capita, {base_year}–{year}: difference from baseline (points)",
        "การเติบโตของ GPP ต่อหัว ปี {base_year}–{year}: ส่วนต่างจากกรณีฐาน (จุด)",
    ),
    "diff_population_change": (
        "Population change, {base_year}–{year}: difference from baseline (points)",
        "การเปลี่ยนแปลงของประชากร ปี {base_year}–{year}: ส่วนต่างจากกรณีฐาน (จุด)",
    ),
    "diff_net_migration": (
        "Net migration, {base_year}–{year}: difference from baseline (points)",
        "การย้ายถิ่นสุทธิ ปี {base_year}–{year}: ส่วนต่างจากกรณีฐาน (จุด)",
    ),
    "diff_poverty": (
        "Poverty headcount, {year}: difference from baseline (points)",
        "สัดส่วนคนจน ปี {year}: ส่วนต่างจากกรณีฐาน (จุด)",
    ),
    "diff_title": ("{scenario} minus baseline", "{scenario} เทียบกับกรณีฐาน"),
    "highest": ("highest", "สูงสุด"),
    "lowest": ("lowest", "ต่ำสุด"),
    "no_data": ("no data", "ไม่มีข้อมูล"),
    # ------------------------------------------------------------------ growth–inequality plane
    "plane_title": ("Growth and inequality by scenario", "การเติบโตและความเหลื่อมล้ำรายฉากทัศน์"),
    "gdp_gain_pv_mthb": (
        "GDP gain over baseline, present value (billion THB)",
        "GDP ที่เพิ่มขึ้นจากกรณีฐาน มูลค่าปัจจุบัน (พันล้านบาท)",
    ),
    "d_gdp_2035_mthb": (
        "GDP gain over baseline in 2035 (billion THB)",
        "GDP ที่เพิ่มขึ้นจากกรณีฐานในปี 2035 (พันล้านบาท)",
    ),
    "d_gdp_2050_mthb": (
        "GDP gain over baseline in 2050 (billion THB)",
        "GDP ที่เพิ่มขึ้นจากกรณีฐานในปี 2050 (พันล้านบาท)",
    ),
    "d_gini_2050": ("Change in Gini by 2050", "การเปลี่ยนแปลงของสัมประสิทธิ์จีนีในปี 2050"),
    "d_williamson_2050": (
        "Change in Williamson CV by 2050",
        "การเปลี่ยนแปลงของดัชนีวิลเลียมสันในปี 2050",
    ),
    "d_bv_share_2050": (
        "Change in Bangkok and Vicinity share of GDP by 2050 (points)",
        "การเปลี่ยนแปลงของสัดส่วน GDP กรุงเทพฯ และปริมณฑลในปี 2050 (จุด)",
    ),
    "d_poverty_2050_pct": (
        "Change in poverty headcount by 2050 (points)",
        "การเปลี่ยนแปลงของสัดส่วนคนจนในปี 2050 (จุด)",
    ),
    "frontier": ("frontier (best trade-offs)", "เส้นพรมแดน (ทางเลือกที่ดีที่สุด)"),
    "baseline": ("Baseline", "กรณีฐาน"),
    "interval": ("95% interval over replications", "ช่วง 95% จากการจำลองซ้ำ"),
    "better_quadrant": ("more growth, less inequality", "โตมากขึ้น เหลื่อมล้ำน้อยลง"),
    # ------------------------------------------------------------------ Lorenz
    "lorenz_title": (
        "Lorenz curves of GPP per capita across provinces",
        "เส้นโค้งลอเรนซ์ของ GPP ต่อหัวระหว่างจังหวัด",
    ),
    "lorenz_x": ("Cumulative share of population", "สัดส่วนประชากรสะสม"),
    "lorenz_y": ("Cumulative share of GPP", "สัดส่วน GPP สะสม"),
    "equality_line": ("perfect equality", "ความเท่าเทียมสมบูรณ์"),
    "lorenz_entry": ("{year} (Gini {gini})", "ปี {year} (จีนี {gini})"),
    # ------------------------------------------------------------------ channels
    "channel_trade": ("Trade and investment", "การค้าและการลงทุน"),
    "channel_finance": ("Finance", "การเงิน"),
    "channel_migration": ("Migration", "การย้ายถิ่น"),
    "channel_knowledge": ("Knowledge and technology", "ความรู้และเทคโนโลยี"),
    "unit_trade": ("MTHB per year", "ล้านบาทต่อปี"),
    "unit_finance": ("MTHB per year", "ล้านบาทต่อปี"),
    "unit_migration": ("persons per year", "คนต่อปี"),
    "unit_knowledge": ("log points per year", "จุดลอการิทึมต่อปี"),
    "networks_title": ("Channel networks, {year}", "เครือข่ายช่องทาง ปี {year}"),
    "top_flows": (
        "largest {n} flows ({share} of all flows between provinces)",
        "กระแส {n} อันดับแรก ({share} ของกระแสทั้งหมดระหว่างจังหวัด)",
    ),
    # ------------------------------------------------------------------ sensitivity
    "sobol_title": ("Sobol sensitivity indices", "ดัชนีความไวแบบโซโบล"),
    "S1": ("first-order S1", "อันดับหนึ่ง S1"),
    "ST": ("total-order ST", "รวม ST"),
    "sobol_x": ("Sobol index (bars: 95% interval)", "ดัชนีโซโบล (เส้น: ช่วง 95%)"),
    "morris_title": ("Morris screening", "การคัดกรองแบบมอร์ริส"),
    "mu_star": ("μ* (mean absolute elementary effect)", "μ* (ค่าเฉลี่ยสัมบูรณ์ของผลกระทบมูลฐาน)"),
    "sigma": ("σ (spread of elementary effects)", "σ (การกระจายของผลกระทบมูลฐาน)"),
    "sigma_ratio": ("σ/μ* = {r}", "σ/μ* = {r}"),
    "output": ("Output: {name}", "ผลลัพธ์: {name}"),
    # ------------------------------------------------------------------ attribution
    "attribution_title": ("Attribution to channels", "การแยกส่วนผลตามช่องทาง"),
    "attribution_y": ("Shapley contribution: {metric}", "ส่วนร่วมแบบแชปลีย์: {metric}"),
    "total": ("total", "รวม"),
    "scenario": ("Scenario", "ฉากทัศน์"),
    # ------------------------------------------------------------------ report
    "report_run": ("Simulation run {id}", "ผลการจำลอง {id}"),
    "report_comparison": ("Scenario comparison {id}", "การเปรียบเทียบฉากทัศน์ {id}"),
    "report_experiment": ("Experiment {id}", "การทดลอง {id}"),
    "report_intro": (
        "decentra: growth and inequality across Thailand's 77 provinces.",
        "decentra: การเติบโตและความเหลื่อมล้ำใน 77 จังหวัดของประเทศไทย",
    ),
    "key_figures": ("Key figures", "ตัวเลขสำคัญ"),
    "scenarios": ("Scenarios", "ฉากทัศน์"),
    "figures": ("Figures", "แผนภาพ"),
    "parameters_changed": ("Parameters that differ from the defaults", "พารามิเตอร์ที่ต่างจากค่าตั้งต้น"),
    "parameters_none": (
        "All parameters are at their defaults.",
        "พารามิเตอร์ทั้งหมดใช้ค่าตั้งต้น",
    ),
    "parameters_unknown": (
        "The manifest does not record the parameters.",
        "บันทึกข้อมูลไม่ได้ระบุค่าพารามิเตอร์",
    ),
    "parameters_varied": ("Parameters varied", "พารามิเตอร์ที่แปรค่า"),
    "provenance": ("Provenance", "ที่มาของผลลัพธ์"),
    "status": ("Status", "สถานะ"),
    "seed": ("seed", "ค่าเริ่มต้นสุ่ม"),
    "replications": ("Replications", "จำนวนการจำลองซ้ำ"),
    "name": ("Name", "ชื่อ"),
    "description": ("Description", "คำอธิบาย"),
    "budget": ("Total budget (MTHB)", "งบประมาณรวม (ล้านบาท)"),
    "parameter": ("Parameter", "พารามิเตอร์"),
    "symbol": ("Symbol", "สัญลักษณ์"),
    "unit": ("Unit", "หน่วย"),
    "default": ("Default", "ค่าตั้งต้น"),
    "value": ("Value", "ค่า"),
    "bounds": ("Range", "ช่วงค่า"),
    "indicator": ("Indicator", "ตัวชี้วัด"),
    "change": ("Change", "การเปลี่ยนแปลง"),
    "on_frontier": ("On frontier", "อยู่บนเส้นพรมแดน"),
    "per_1000": ("per 1,000 MTHB", "ต่องบ 1,000 ล้านบาท"),
    "yes": ("yes", "ใช่"),
    "no": ("no", "ไม่ใช่"),
    "runs": ("Runs", "จำนวนรอบการจำลอง"),
    "output_col": ("Output", "ผลลัพธ์"),
    "not_reproduced": (
        "Channel networks are not shown: re-running the manifest's parameters and seed did not "
        "reproduce the stored results.",
        "ไม่แสดงเครือข่ายช่องทาง: การจำลองซ้ำด้วยพารามิเตอร์และค่าเริ่มต้นสุ่มในบันทึกไม่ได้ผลตรงกับผลที่เก็บไว้",
    ),
    "networks_caption": (
        "Flows in the last simulated year, recomputed from the manifest's parameters and seed "
        "(checked against the stored national table).",
        "กระแสในปีสุดท้ายของการจำลอง คำนวณซ้ำจากพารามิเตอร์และค่าเริ่มต้นสุ่มในบันทึก "
        "(ตรวจสอบกับตารางระดับประเทศที่เก็บไว้แล้ว)",
    ),
    "sensitivity": ("Sensitivity analysis", "การวิเคราะห์ความไว"),
    "sheet_note": (
        "Generated by decentra report; every number is read from the result files.",
        "สร้างโดย decentra report ตัวเลขทั้งหมดอ่านจากไฟล์ผลลัพธ์",
    ),
}

#: The six national series of the time-series figure, in reading order.
SERIES = (
    "gdp_mthb",
    "gdp_per_capita_thb",
    "gini_weighted",
    "williamson_cv",
    "bv_share_gdp",
    "poverty_pct",
)
#: Divide a column by this to show it in the unit its label names (e.g. MTHB → trillion THB).
SERIES_SCALE = {
    "gdp_mthb": 1e6,
    "gdp_per_capita_thb": 1e3,
    "bv_share_gdp": 0.01,
    "bv_share_population": 0.01,
}
#: The comparison metrics (comparison.parquet), in the order of the key-figure table.
COMPARISON_METRICS = (
    "d_gdp_2035_mthb",
    "d_gdp_2050_mthb",
    "gdp_gain_pv_mthb",
    "d_gini_2050",
    "d_williamson_2050",
    "d_bv_share_2050",
    "d_poverty_2050_pct",
)
#: Scale for showing a comparison metric in the unit of its label.
METRIC_SCALE = {
    "d_gdp_2035_mthb": 1e3,
    "d_gdp_2050_mthb": 1e3,
    "gdp_gain_pv_mthb": 1e3,
    "d_bv_share_2050": 0.01,
}


def check_lang(lang: str) -> str:
    """Return `lang` if supported; the error names what is allowed."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not supported; allowed: {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str = "en", **fields: object) -> str:
    """The label `key` in `lang`, with ``{placeholders}`` filled from `fields`."""
    text = LABELS[key][LANGS.index(check_lang(lang))]
    return text.format(**fields) if fields else text


def label(key: str, lang: str = "en") -> str:
    """Like `t`, but falls back to the key itself (for output or parameter names from data)."""
    return t(key, lang) if key in LABELS else key


def channel_name(channel: str, lang: str = "en") -> str:
    return t(f"channel_{channel}", lang)


def province_names(frame_or_geo: object, lang: str = "en") -> list[str]:
    """Province names in `lang` from a table with name_en/name_th or a `Geography`."""
    column = "name_th" if check_lang(lang) == "th" else "name_en"
    names = getattr(frame_or_geo, column)
    return [str(n) for n in (names.tolist() if hasattr(names, "tolist") else names)]


def display_name(key: str, names: Mapping[str, str] | None) -> str:
    """A scenario's display name (falls back to its key)."""
    return (names or {}).get(key) or key


def fmt_number(value: float | None, digits: int = 2, *, signed: bool = False) -> str:
    """Thousands separators and a true minus sign; the same in English and Thai texts.

    Thai statistics (NESDC, NSO) use Arabic digits with the same separators as English, so only
    units and words change with the language.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    return text.replace("-", "−")


def fmt_interval(value: float, lo: float, hi: float, digits: int = 2) -> str:
    low, high = fmt_number(lo, digits), fmt_number(hi, digits)
    return f"{fmt_number(value, digits, signed=True)} [{low}, {high}]"


def fmt_percent(share: float, digits: int = 0) -> str:
    return f"{fmt_number(100.0 * share, digits)}%"
