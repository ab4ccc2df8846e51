"""The HTML/Excel report and `decentra report`: self-contained, complete, Parquet's numbers."""

from __future__ import annotations

import base64
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from decentra.cli import main
from viz import load_results
from viz.report import (
    ReportError,
    changed_parameters,
    report_figures,
    reproduce,
    write_report,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """Collects what the tests look at: images, tables, ids and all text."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        if "id" in attrs:
            self.ids.append(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> tuple[str, Page]:
    source = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(source)
    page.close()
    return source, page


@pytest.fixture(scope="module")
def thai_comparison_report(comparison_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "comparison"
    shutil.copytree(comparison_dir, folder)
    return folder, write_report(folder, lang="th", excel=True, dpi=40)


def test_comparison_report_is_self_contained_and_embeds_every_figure(thai_comparison_report):
    folder, html = thai_comparison_report
    assert html == folder / "report_th.html"
    source, page = parse(html)
    expected = report_figures(load_results(folder), "th")
    assert len(page.images) == len(expected) >= 10
    assert source.count('<img src="data:image/png;base64,') == len(expected)
    for src in page.images:
        data = base64.b64decode(src.removeprefix("data:image/png;base64,"), validate=True)
        assert data.startswith(PNG_SIGNATURE)
    assert "http://" not in source and "https://" not in source
    for tag in ("link", "script", "iframe"):
        assert tag not in page.tags
    slugs = {s.slug for s in expected}
    assert {"time_series", "growth_inequality_plane", "attribution", "channel_networks"} <= slugs
    assert {"difference_more_transfers", "difference_knowledge_hubs", "lorenz"} <= slugs
    assert set(page.ids) == slugs
    text = " ".join(page.text)
    for thai in ("ตัวเลขสำคัญ", "ฉากทัศน์", "ที่มาของผลลัพธ์", "ศูนย์กลางความรู้ระดับภูมิภาค"):
        assert thai in text
    assert "Universities and firms pass on know-how" in text  # the scenario description
    assert "spillover_half_distance_km" in text  # a scenario's changed parameter
    assert '"kind": "comparison"' in text  # the provenance manifest


def test_excel_holds_the_same_numbers_as_the_parquet_files(thai_comparison_report):
    folder, _ = thai_comparison_report
    sheets = pd.read_excel(folder / "report_th.xlsx", sheet_name=None)
    for name, file in (
        ("runs", "runs.parquet"),
        ("comparison", "comparison.parquet"),
        ("provinces", "provinces.parquet"),
        ("attribution", "attribution.parquet"),
    ):
        stored = pd.read_parquet(folder / file)
        pd.testing.assert_frame_equal(sheets[name], stored, check_dtype=False, rtol=1e-12)
    assert {"key_figures", "scenarios", "parameters_changed", "manifest"} <= set(sheets)
    key = sheets["key_figures"]
    assert list(key.iloc[:, 0]) == ["กรณีฐาน", "เงินอุดหนุนเพื่อความเท่าเทียมมากขึ้น",
                                    "ศูนย์กลางความรู้ระดับภูมิภาค"]  # fmt: skip
    manifest = sheets["manifest"].set_index("key")["value"]
    assert manifest["kind"] == "comparison" and manifest["replications"] == "2"


def test_run_report_lists_changed_parameters_and_redraws_the_networks(tmp_path):
    from results_factory import write_run_folder

    folder = write_run_folder(tmp_path / "run", years=2, seed=9, transfer_share=0.35)
    results = load_results(folder)
    slugs = [s.slug for s in report_figures(results, "en")]
    assert slugs[0] == "time_series" and "lorenz" in slugs
    assert "channel_networks" in slugs  # parameters and seed reproduce the stored run
    assert [s for s in slugs if s.startswith("map_")] == [
        "map_gpp_per_capita",
        "map_gpp_per_capita_change",
        "map_population_change",
        "map_net_migration",
        "map_poverty",
    ]
    changed = changed_parameters(results.manifest["parameters"])
    assert changed.to_dict("records") == [
        {"Parameter": "transfer_share", "Symbol": "ς", "Unit": "share of central revenue",
         "Default": 0.3, "Value": 0.35}
    ]  # fmt: skip
    tampered = {**results.manifest["parameters"], "transfer_share": 0.4}
    assert reproduce(tampered, 9, results.tables["model"]) is None


def test_missing_optional_files_leave_their_sections_out(comparison_dir, tmp_path):
    folder = tmp_path / "bare"
    shutil.copytree(comparison_dir, folder)
    (folder / "attribution.parquet").unlink()
    (folder / "provinces.parquet").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["parameters"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    slugs = [s.slug for s in report_figures(load_results(folder), "en")]
    assert slugs == ["time_series", "growth_inequality_plane"]


def test_experiment_report_via_the_command_line(experiment_dir, tmp_path, capsys):
    folder = tmp_path / "experiment"
    shutil.copytree(experiment_dir, folder)
    assert main(["report", str(folder), "--excel"]) == 0
    out = capsys.readouterr().out.split()
    assert out == [str(folder / "report_en.html"), str(folder / "report_en.xlsx")]
    source, page = parse(folder / "report_en.html")
    assert len(page.images) == 2 and set(page.ids) == {"sobol", "morris"}
    assert "https://" not in source and "http://" not in source
    assert "spillover_rate" in " ".join(page.text)
    sheets = pd.read_excel(folder / "report_en.xlsx", sheet_name=None)
    for name, file in (("sobol", "sensitivity_sobol.parquet"), ("runs", "runs.parquet")):
        pd.testing.assert_frame_equal(
            sheets[name], pd.read_parquet(folder / file), check_dtype=False, rtol=1e-12
        )


def _bad_folders(root: Path) -> list[tuple[list[str], str]]:
    (root / "empty").mkdir()
    (root / "odd").mkdir()
    (root / "odd" / "manifest.json").write_text('{"kind": "simulation"}')
    (root / "broken").mkdir()
    (root / "broken" / "manifest.json").write_text("{not json")
    (root / "cmp").mkdir()
    (root / "cmp" / "manifest.json").write_text('{"kind": "comparison"}')
    return [
        ([str(root / "missing")], "no such result folder"),
        ([str(root / "empty")], "not a result folder (no manifest.json)"),
        (
            [str(root / "odd")],
            "kind 'simulation' is not known; allowed: run, comparison, experiment",
        ),
        ([str(root / "broken")], "not valid JSON"),
        ([str(root / "cmp")], "needs runs.parquet, comparison.parquet"),
        ([str(root / "empty"), "--lang", "fr"], "--lang 'fr': allowed: en, th"),
    ]


def test_report_errors_exit_2_with_one_line(tmp_path, capsys):
    for argv, message in _bad_folders(tmp_path):
        assert main(["report", *argv]) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("decentra: error:") and message in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
        if "--lang" not in argv:
            assert argv[0] in err  # names the path


def test_write_report_rejects_an_unknown_language(tmp_path):
    with pytest.raises(ReportError, match="allowed: en, th"):
        write_report(tmp_path, lang="de")
