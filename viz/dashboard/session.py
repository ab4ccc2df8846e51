"""One browser tab's simulation: the models, stepped in lockstep, and what the tab was told.

A `Session` is created inside the `Dashboard` component (`solara.use_memo`), so each tab
(Solara kernel) owns its own; nothing here lives at module level. The main scenario, its
baseline (same parameters, channels and seed, no policies: common random numbers) and, in
side-by-side mode, a second scenario are separate `DecentraModel`s that always stand at the
same year.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from model import DataError, EquilibriumError, ParameterError
from model.economy import YearRecord
from model.geography import load_thailand
from model.model import DecentraModel
from scenarios import Scenario, ScenarioError

from . import timing
from .indicators import national_row
from .scenario_form import Built, Controls, build

#: Errors a model can raise while it runs: shown in the page, never a crash.
MODEL_ERRORS = (EquilibriumError, ParameterError, DataError, ValueError, FloatingPointError)


@dataclass
class Track:
    """One model of the run and its national table so far (one row per simulated year)."""

    scenario: Scenario
    model: DecentraModel
    rows: list[dict[str, float]] = field(default_factory=list)

    def record(self) -> None:
        self.rows.append(national_row(self.model.records[-1], self.model.geography))


@dataclass(frozen=True)
class Snapshot:
    """A consistent view of the run at one year, for drawing (taken under the run's lock)."""

    year: int
    first_year: int
    last_year: int
    tracks: dict[str, tuple[Scenario, DecentraModel, list[dict[str, float]], list[YearRecord]]]

    def rows(self, key: str) -> list[dict[str, float]]:
        return self.tracks[key][2]

    def records(self, key: str) -> list[YearRecord]:
        return self.tracks[key][3]

    def scenario(self, key: str) -> Scenario:
        return self.tracks[key][0]

    def model(self, key: str) -> DecentraModel:
        return self.tracks[key][1]


def baseline_of(scenario: Scenario) -> Scenario:
    """The scenario without its policies: the counterfactual it is compared with."""
    return dataclasses.replace(
        scenario, name="Baseline", name_th="กรณีฐาน", key="baseline", policies=(), path=None
    )


class LiveRun:
    """The models of one run, stepped together; `snapshot()` reads them consistently."""

    def __init__(self, built: Built) -> None:
        geo = load_thailand()
        main = built.main
        self.last_year = main.last_year
        self.failed = False  # a model raised: the tracks may stand at different years
        self._lock = threading.Lock()
        base = baseline_of(main)
        self.tracks: dict[str, Track] = {"baseline": Track(base, base.build_model(geography=geo))}
        self.tracks["a"] = (
            Track(main, main.build_model(geography=geo))
            if main.policies
            else self.tracks["baseline"]
        )
        if built.second is not None:
            second = built.second
            self.tracks["b"] = (
                Track(second, second.build_model(geography=geo))
                if second.policies
                else self.tracks["baseline"]
            )
        for track in self._distinct():
            # The page needs the latest year's N×N matrices only (channel flows, partners);
            # older years keep their per-province arrays (maps, charts) but drop the migrant
            # stocks, three quarters of a record.
            track.model.keep_matrices = False
            track.record()

    def _distinct(self) -> list[Track]:
        seen: dict[int, Track] = {}
        for track in self.tracks.values():
            seen.setdefault(id(track), track)
        return list(seen.values())

    @property
    def year(self) -> int:
        return int(self.tracks["a"].rows[-1]["year"])

    @property
    def finished(self) -> bool:
        """No more years: the last one is reached, or a model failed (Reset starts again)."""
        return self.failed or self.year >= self.last_year

    def step(self) -> None:
        """Simulate one more year in every model (the lock keeps play and Step apart)."""
        with self._lock:
            if self.finished:
                return
            distinct = self._distinct()
            try:
                for track in distinct:
                    track.model.step()
            except Exception:
                self.failed = True  # the models no longer stand at one year
                raise
            for track in distinct:
                track.record()

    def record_bytes(self) -> int:
        """Bytes of model records this run keeps (every distinct model), for the memory bound."""
        return sum(track.model.record_bytes() for track in self._distinct())

    def snapshot(self) -> Snapshot:
        with self._lock:
            tracks = {
                key: (
                    t.scenario,
                    t.model,
                    list(t.rows),
                    list(t.model.records[: len(t.rows)]),
                )
                for key, t in self.tracks.items()
            }
            return Snapshot(
                year=self.year,
                first_year=int(self.tracks["a"].rows[0]["year"]),
                last_year=self.last_year,
                tracks=tracks,
            )


@dataclass(frozen=True)
class Message:
    """A message for the page, kept as a label key and fields so it follows the language."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    kind: str = "info"  # info | warning | error


class Session:
    """What one tab owns: its controls, its live run and the last message it was shown."""

    def __init__(self, controls: Controls | None = None) -> None:
        self.controls = controls or Controls()
        self.run = LiveRun(build(self.controls))
        self.message: Message | None = None
        self.refused: ScenarioError | None = None  # the last refused input, if still standing
        self.play_generation = 0  # a play loop runs only while its generation is current

    def apply(self, controls: Controls) -> bool:
        """Use new controls (restarting at 2019) if they validate; otherwise keep the old ones."""
        try:
            built = build(controls)
            run = LiveRun(built)
        except ScenarioError as err:
            self.refused = err
            self.message = Message("refused", {"detail": describe_error(err)}, "error")
            return False
        except MODEL_ERRORS as err:
            self.message = Message("refused", {"detail": str(err)}, "error")
            return False
        self.controls, self.run, self.refused = controls, run, None
        self.message = Message("restarted")
        return True

    def reset(self) -> None:
        """Back to 2019 with the same controls."""
        self.run = LiveRun(build(self.controls))
        self.message = None

    def step(self) -> bool:
        """One year; a failing model stops the run with a message instead of crashing the page."""
        run = self.run
        if run.failed:
            return False  # the failure's message stays until Reset
        if run.finished:
            self.message = Message("run_ended", {"year": run.year})
            return False
        started = time.perf_counter()
        try:
            run.step()
        except MODEL_ERRORS as err:
            self.message = Message(
                "step_failed", {"year": run.year + 1, "detail": str(err)}, "error"
            )
            return False
        timing.record("model_step", time.perf_counter() - started)
        if run.finished:
            self.message = Message("run_ended", {"year": run.year})
        elif self.message is not None and self.message.kind != "error":
            self.message = None
        return True


def describe_error(err: ScenarioError) -> str:
    """The schema's message without the '<scenario>:' prefix meant for files."""
    return f"{err.field}: {err.message}" if err.field else err.message
