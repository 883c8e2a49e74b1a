"""Interval volume forecasts: each weekday's expected day total times its intraday shape.

Contact-centre arrivals are well described as a day total that moves slowly from week to week,
spread over the day by a shape that hardly moves at all (Brown et al. 2005; Weinberg, Brown &
Stroud 2007). So a forecast for weekday *w*, slot *s* is ``level[w] × shape[w][s]``:

* ``shape`` — the share of the day's calls in each slot, averaged over the last
  ``shape_weeks`` ordinary days of that weekday and smoothed across neighbouring slots (a
  Gaussian kernel), which removes most of the Poisson noise a single past week carries;
* ``level`` — the mean day total of the last ``level_weeks`` ordinary days of that weekday, so
  the forecast follows recent growth or decline;
* "ordinary" — a day whose total is at least 60% of the recent median for its weekday. Holidays
  and outages would otherwise drag the level down and bend the shape.

Why not seasonal ARIMA: a week is 1,680 six-minute or 845 five-minute intervals; SARIMAX with
that period is out of reach, and with the daily period alone it misses the weekday effects.
Exponential smoothing on day totals was tried and was no better (docs/mining.md).

The three settings are chosen by ``fit`` itself from a small grid by rolling-origin backtests on
the training data (the last two four-week windows), never on the data being forecast.

Uncertainty: counts are over-dispersed Poisson, so the predictive distribution is a negative
binomial with mean μ and variance μ + k·μ², k estimated from the backtest residuals. Intervals
are its quantiles. The point forecast is the median count at the forecast rate — the value that
minimises the absolute error MAE measures (the mean, ``Forecast.mean``, is what staffing uses).

Timestamps are naive local clock times, as in the files (and as a workspace's own time zone
gives them); days missing from a series (bank holidays) are simply absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
from scipy.ndimage import gaussian_filter1d  # type: ignore[import-untyped]
from scipy.stats import nbinom, poisson  # type: ignore[import-untyped]

from parley.analytics.mining.datasets import DayMatrix, IntervalSeries

_ORDINARY_RATIO = 0.6
_RECENT_FOR_MEDIAN = 8
_BACKTEST_DAYS = 28
_GRID_SHAPE_WEEKS = (4, 8, 12, 20)
_GRID_LEVEL_WEEKS = (3, 4, 6, 8)
_GRID_SMOOTHING = (0.0, 1.0, 2.0)


@dataclass(frozen=True)
class ProfileSettings:
    shape_weeks: int = 8
    level_weeks: int = 4
    smoothing: float = 1.0  # Gaussian sigma, in slots


@dataclass(frozen=True)
class Forecast:
    starts: list[datetime]
    mean: np.ndarray  # expected count per interval (for staffing)
    point: np.ndarray  # median count at the forecast rate (minimises absolute error)
    lower: np.ndarray
    upper: np.ndarray
    coverage: float  # nominal coverage of [lower, upper]


def _profile(days: DayMatrix, settings: ProfileSettings) -> dict[int, np.ndarray]:
    """Expected count per slot for each weekday present in ``days``."""
    totals = days.counts.sum(axis=1)
    weekdays = days.weekdays
    expected: dict[int, np.ndarray] = {}
    for weekday in sorted(set(weekdays.tolist())):
        rows = np.flatnonzero(weekdays == weekday)
        usual = np.median(totals[rows[-_RECENT_FOR_MEDIAN:]])
        ordinary = rows[totals[rows] >= _ORDINARY_RATIO * usual]
        if ordinary.size == 0:
            ordinary = rows
        summed = days.counts[ordinary[-settings.shape_weeks :]].sum(axis=0)
        if settings.smoothing > 0:
            summed = gaussian_filter1d(summed, settings.smoothing, mode="nearest")
        shape = summed / summed.sum() if summed.sum() > 0 else summed
        level = float(totals[ordinary[-settings.level_weeks :]].mean())
        expected[weekday] = level * shape
    return expected


def _expected_for(
    profile: dict[int, np.ndarray], slots: list[time], starts: Sequence[datetime]
) -> np.ndarray:
    slot_at = {slot: i for i, slot in enumerate(slots)}
    out = np.zeros(len(starts))
    for i, start in enumerate(starts):
        by_slot = profile.get(start.weekday())
        slot = slot_at.get(start.time())
        if by_slot is not None and slot is not None:
            out[i] = by_slot[slot]
    return out


def _starts_of(days: DayMatrix, rows: range) -> tuple[list[datetime], np.ndarray]:
    starts = [datetime.combine(days.dates[r], slot) for r in rows for slot in days.slots]
    return starts, days.counts[list(rows)].ravel()


def _backtest_windows(days: DayMatrix) -> list[int]:
    """Row indices where each backtest window starts: the last two four-week windows, as long
    as enough history (eight weeks) stays in front of them."""
    windows = []
    for back in (1, 2):
        first_day = days.dates[-1].toordinal() - back * _BACKTEST_DAYS + 1
        start = next(i for i, day in enumerate(days.dates) if day.toordinal() >= first_day)
        if days.dates[start].toordinal() - days.dates[0].toordinal() >= 56:
            windows.append(start)
    return windows


def _window_end(days: DayMatrix, start: int) -> int:
    last = days.dates[start].toordinal() + _BACKTEST_DAYS
    return next((i for i, day in enumerate(days.dates) if day.toordinal() >= last), len(days.dates))


class ProfileForecaster:
    """``fit`` on a training series, then ``predict`` any future interval starts."""

    def __init__(self, settings: ProfileSettings | None = None) -> None:
        self._fixed = settings
        self.settings = settings or ProfileSettings()
        self.dispersion = 0.0
        self._days: DayMatrix | None = None
        self._profile: dict[int, np.ndarray] = {}

    def fit(self, series: IntervalSeries) -> ProfileForecaster:
        days = DayMatrix.of(series)
        windows = _backtest_windows(days)
        if self._fixed is None and windows:
            self.settings = min(
                (
                    ProfileSettings(shape, level, sigma)
                    for shape in _GRID_SHAPE_WEEKS
                    for level in _GRID_LEVEL_WEEKS
                    for sigma in _GRID_SMOOTHING
                ),
                key=lambda settings: self._backtest_error(days, windows, settings)[0],
            )
        if windows:
            _, actual, expected = self._backtest_error(days, windows, self.settings)
            # Method of moments for var = μ + k·μ²; k ≥ 0 (no under-dispersion).
            excess = float(np.sum((actual - expected) ** 2 - expected))
            self.dispersion = max(0.0, excess / max(float(np.sum(expected**2)), 1e-9))
        self._days = days
        self._profile = _profile(days, self.settings)
        return self

    @staticmethod
    def _backtest_error(
        days: DayMatrix, windows: list[int], settings: ProfileSettings
    ) -> tuple[float, np.ndarray, np.ndarray]:
        actual_parts, expected_parts = [], []
        for start in windows:
            profile = _profile(days.until(start), settings)
            starts, actual = _starts_of(days, range(start, _window_end(days, start)))
            actual_parts.append(actual)
            expected_parts.append(_expected_for(profile, days.slots, starts))
        actual_all = np.concatenate(actual_parts)
        expected_all = np.concatenate(expected_parts)
        return float(np.abs(actual_all - expected_all).mean()), actual_all, expected_all

    def predict(self, starts: Sequence[datetime], *, coverage: float = 0.8) -> Forecast:
        if self._days is None:
            raise RuntimeError("fit the forecaster first")
        mean = _expected_for(self._profile, self._days.slots, starts)
        tail = (1 - coverage) / 2
        rate = np.maximum(mean, 1e-9)
        # The point is the median count given the forecast rate. The negative binomial's median
        # sits lower still (its spread is mostly the rate's own error, which is not skewed
        # downwards), and scored worse on the validation windows (docs/mining.md).
        point = poisson.ppf(0.5, rate)
        if self.dispersion > 0:
            # scipy's nbinom(n, p) has mean n(1-p)/p and variance mean/p; n = 1/k gives μ + kμ².
            n = 1 / self.dispersion
            lower, upper = (nbinom.ppf(q, n, n / (n + rate)) for q in (tail, 1 - tail))
        else:
            lower, upper = (poisson.ppf(q, rate) for q in (tail, 1 - tail))
        return Forecast(
            starts=list(starts),
            mean=mean,
            point=np.asarray(point, dtype=float),
            lower=np.asarray(lower, dtype=float),
            upper=np.asarray(upper, dtype=float),
            coverage=coverage,
        )


def seasonal_naive(train: IntervalSeries, starts: Sequence[datetime]) -> np.ndarray:
    """Each interval gets the count of the same slot on the last training day of the same
    weekday: the last training week repeated (for a weekday-only series, the last five
    training weekdays)."""
    days = DayMatrix.of(train)
    last_of: dict[int, np.ndarray] = {}
    for row, day in enumerate(days.dates):
        last_of[day.weekday()] = days.counts[row]
    return _expected_for(last_of, days.slots, starts)


def naive_scale(train: IntervalSeries) -> float:
    """In-sample MAE of the seasonal naive forecast (same slot, exactly one week earlier): the
    denominator of MASE."""
    days = DayMatrix.of(train)
    row_of = {day: row for row, day in enumerate(days.dates)}
    errors = [
        np.abs(days.counts[row] - days.counts[row_of[earlier]])
        for row, day in enumerate(days.dates)
        if (earlier := date.fromordinal(day.toordinal() - 7)) in row_of
    ]
    if not errors:
        raise ValueError("MASE needs more than a week of training data")
    return float(np.mean(np.concatenate(errors)))


@dataclass(frozen=True)
class ForecastEvaluation:
    mae: float
    mase: float
    naive_mae: float
    improvement: float
    coverage: float  # share of test intervals inside the prediction interval
    nominal_coverage: float
    settings: ProfileSettings


def evaluate_forecast(
    train: IntervalSeries, test: IntervalSeries, *, coverage: float = 0.8
) -> ForecastEvaluation:
    """One forecast from the end of ``train`` over every interval of ``test``."""
    forecaster = ProfileForecaster().fit(train)
    forecast = forecaster.predict(test.starts, coverage=coverage)
    actual = np.asarray(test.counts, dtype=float)
    mae = float(np.abs(actual - forecast.point).mean())
    naive_mae = float(np.abs(actual - seasonal_naive(train, test.starts)).mean())
    inside = (actual >= forecast.lower) & (actual <= forecast.upper)
    return ForecastEvaluation(
        mae=mae,
        mase=mae / naive_scale(train),
        naive_mae=naive_mae,
        improvement=1 - mae / naive_mae if naive_mae > 0 else 0.0,
        coverage=float(inside.mean()),
        nominal_coverage=coverage,
        settings=forecaster.settings,
    )
