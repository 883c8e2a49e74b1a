"""Forecasts on generated seasonal series: they beat seasonal naive, and the baseline and the
scale are what their definitions say."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from parley.analytics.mining.datasets import IntervalSeries, split_interval_series
from parley.analytics.mining.forecast import (
    ProfileForecaster,
    ProfileSettings,
    evaluate_forecast,
    naive_scale,
    seasonal_naive,
)
from tests.analytics.mining_data import weekly_series


def test_forecast_beats_seasonal_naive_by_a_wide_margin() -> None:
    train, test = split_interval_series(weekly_series(weeks=16), holdout_days=28)

    result = evaluate_forecast(train, test)

    assert result.improvement > 0.15
    assert result.mae < result.naive_mae
    assert 0.5 < result.coverage <= 1


def test_weekday_only_series_beats_naive_and_forecasts_no_weekend() -> None:
    train, test = split_interval_series(
        weekly_series(weeks=16, weekdays_only=True), holdout_days=28
    )
    saturday = datetime(2024, 6, 1, 10)  # past the end of the training data

    result = evaluate_forecast(train, test)
    forecast = ProfileForecaster().fit(train).predict([saturday])

    assert result.improvement > 0.15
    assert forecast.mean.tolist() == [0.0]


def test_seasonal_naive_repeats_the_last_week() -> None:
    train, _ = split_interval_series(weekly_series(weeks=4), holdout_days=7)
    last_monday = train.starts[-7 * 48]
    assert last_monday.weekday() == 0
    targets = [last_monday + timedelta(days=7), last_monday + timedelta(days=14, minutes=30)]

    predicted = seasonal_naive(train, targets)

    assert predicted.tolist() == [train.counts[-7 * 48], train.counts[-7 * 48 + 1]]


def test_naive_scale_is_the_mean_weekly_change() -> None:
    starts = [datetime(2024, 1, 1) + timedelta(days=d) for d in range(21)]
    counts = [float(10 * (d // 7)) for d in range(21)]  # each week 10 higher than the last
    series = IntervalSeries(starts=starts, counts=counts, header=[], rows=[])

    assert naive_scale(series) == 10.0


def test_intervals_widen_with_the_mean_and_contain_the_point() -> None:
    train, test = split_interval_series(weekly_series(weeks=12), holdout_days=7)
    forecaster = ProfileForecaster(ProfileSettings(shape_weeks=4, level_weeks=2)).fit(train)

    forecast = forecaster.predict(test.starts, coverage=0.9)

    assert np.all(forecast.lower <= forecast.point) and np.all(forecast.point <= forecast.upper)
    busy, quiet = int(np.argmax(forecast.mean)), int(np.argmin(forecast.mean))
    width = forecast.upper - forecast.lower
    assert width[busy] > width[quiet]
