"""Render every report figure from full-length results, time it, and leave PNGs to look at.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_viz.py             # results/figcheck/ (built once, reused)
    .venv/bin/python benchmarks/bench_viz.py --rebuild   # rebuild the result folders first

It builds three result folders with the test factory (tests/results_factory.py; real runs,
2019–2050): a run, a comparison (3 parameter-override scenarios × 5 seeds, with a Shapley
attribution) and an experiment (Sobol and Morris over three parameters), then for English and
Thai renders each report figure to results/figcheck/png/<kind>/<slug>_<lang>.png and writes the
HTML reports. Times are median milliseconds over `--repeats` (build = the figure function,
render = savefig to PNG at 110 dpi). It also times `ThailandMap.update` (the dashboard's cheap
re-colour) against building a new map figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import results_factory  # noqa: E402

from viz import ThailandMap, load_results, province_map, province_values  # noqa: E402
from viz.report import figure_png, report_figures, write_report  # noqa: E402


def build(out: Path, rebuild: bool) -> dict[str, Path]:
    folders = {
        "run": out / "run",
        "comparison": out / "comparison",
        "experiment": out / "experiment",
    }
    if rebuild or not (folders["run"] / "manifest.json").exists():
        results_factory.write_run_folder(folders["run"], years=31, seed=42)
    if rebuild or not (folders["comparison"] / "manifest.json").exists():
        results_factory.write_comparison_folder(
            folders["comparison"], years=31, seeds=(1, 2, 3, 4, 5), attribution_seeds=(1, 2)
        )
    if rebuild or not (folders["experiment"] / "manifest.json").exists():
        results_factory.write_experiment_folder(
            folders["experiment"], years=10, sobol_n=32, morris_trajectories=8
        )
    return folders


def timed(fn, repeats: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "results" / "figcheck"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    out = Path(args.out)
    folders = build(out, args.rebuild)
    print(f"{'kind':<11} {'figure':<32} {'lang':<4} {'build ms':>9} {'render ms':>10}")
    for kind, folder in folders.items():
        results = load_results(folder)
        png_dir = out / "png" / kind
        png_dir.mkdir(parents=True, exist_ok=True)
        for lang in ("en", "th"):
            for spec in report_figures(results, lang):
                build_ms, fig = timed(spec.build, args.repeats)
                render_ms, data = timed(lambda f=fig: figure_png(f), args.repeats)
                (png_dir / f"{spec.slug}_{lang}.png").write_bytes(data)
                print(f"{kind:<11} {spec.slug:<32} {lang:<4} {build_ms:9.0f} {render_ms:10.0f}")
            write_report(folder, lang=lang, excel=(lang == "en"))

    provinces = load_results(folders["run"]).tables["provinces"]
    variables = ["gpp_per_capita", "poverty", "net_migration", "population_change"]
    new_ms, _ = timed(lambda: figure_png(province_map(provinces, "poverty")), args.repeats)
    themap = ThailandMap()
    values = [province_values(provinces, v) for v in variables]
    update_times, draw_times = [], []
    for k in range(4 * args.repeats):
        start = time.perf_counter()
        themap.update(values[k % len(values)])
        update_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        figure_png(themap.figure)
        draw_times.append((time.perf_counter() - start) * 1000)
    print(f"\nnew map figure + PNG:          {new_ms:7.0f} ms")
    print(f"ThailandMap.update (recolour): {statistics.median(update_times):7.1f} ms")
    print(f"  + PNG of the updated map:    {statistics.median(draw_times):7.0f} ms")
    print(f"\nPNGs in {out / 'png'}; reports in {', '.join(str(f) for f in folders.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
