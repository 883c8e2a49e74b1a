// The Sentiment page's charts built from the overview: pure functions, labels translated by
// the caller. Colours follow the labels everywhere: red negative, grey neutral, green positive.
import type { SentimentLabel, SentimentOverview } from "../../api/sentiment";
import { SENTIMENT_LABELS } from "../../api/sentiment";
import type { ChartOption } from "../dashboards/echarts";

export const LABEL_COLORS: Record<SentimentLabel, string> = {
  negative: "#dc2626",
  neutral: "#94a3b8",
  positive: "#16a34a",
};

export interface SentimentChartLabels {
  labels: Record<SentimentLabel, string>;
  scored: string;
  negativeShare: string;
  meanScore: string;
  csat: string;
  conversations: string;
  bands: Record<string, string>;
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** Line: negative share (%) and mean score per day; bars behind: messages scored. */
export function trendOption(d: SentimentOverview, l: SentimentChartLabels): ChartOption {
  return {
    color: [LABEL_COLORS.negative, "#2563eb", "#cbd5e1"],
    tooltip: { trigger: "axis" },
    legend: { data: [l.negativeShare, l.meanScore, l.scored], bottom: 0 },
    grid: { left: 48, right: 48, top: 24, bottom: 48 },
    xAxis: { type: "category", data: d.trend.map((x) => x.day.slice(5)) },
    yAxis: [
      { type: "value", name: "%", min: 0, max: 100 },
      {
        type: "value",
        name: l.scored,
        nameTextStyle: { align: "right" },
        minInterval: 1,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: l.negativeShare,
        type: "line",
        smooth: true,
        connectNulls: true,
        data: d.trend.map((x) => pct(x.negative_share)),
      },
      {
        name: l.meanScore,
        type: "line",
        smooth: true,
        connectNulls: true,
        // −1..1 drawn on the 0..100 axis as 0..100 (50 = neutral)
        data: d.trend.map((x) => (x.mean_score === null ? null : Math.round((x.mean_score + 1) * 50))),
      },
      { name: l.scored, type: "bar", yAxisIndex: 1, data: d.trend.map((x) => x.scored), barMaxWidth: 14 },
    ],
  };
}

/** Pie: conversations of the period by their sentiment now. */
export function sharesOption(d: SentimentOverview, l: SentimentChartLabels): ChartOption {
  return {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0 },
    series: [
      {
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{d}%" },
        data: SENTIMENT_LABELS.map((k) => ({
          name: l.labels[k],
          value: d.shares.counts[k],
          itemStyle: { color: LABEL_COLORS[k] },
        })).filter((x) => x.value > 0),
      },
    ],
  };
}

/** Bars: mean CSAT of the conversations in each sentiment band (the count in the tooltip). */
export function csatByBandOption(d: SentimentOverview, l: SentimentChartLabels): ChartOption {
  const bands = d.satisfaction.by_band;
  const colors = ["#b91c1c", "#f87171", "#94a3b8", "#4ade80", "#15803d"];
  return {
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (p: unknown) => {
        const first = (p as { dataIndex: number }[])[0];
        const b = first ? bands[first.dataIndex] : undefined;
        if (!b) return "";
        return `${l.bands[b.band] ?? b.band}<br/>${l.csat}: ${b.csat_mean ?? "–"}<br/>${l.conversations}: ${b.conversations} (${b.rated} ✓)`;
      },
    },
    grid: { left: 48, right: 16, top: 36, bottom: 48 },
    xAxis: { type: "category", data: bands.map((b) => l.bands[b.band] ?? b.band) },
    yAxis: { type: "value", name: l.csat, min: 0, max: 5 },
    series: [
      {
        name: l.csat,
        type: "bar",
        barMaxWidth: 48,
        data: bands.map((b, i) => ({ value: b.csat_mean, itemStyle: { color: colors[i] } })),
        label: { show: true, position: "top", formatter: "{c}" },
      },
    ],
  };
}

/** Stacked bars per week: each label's share of conversations; line: its mean CSAT. */
export function weeklyOption(d: SentimentOverview, l: SentimentChartLabels): ChartOption {
  const weeks = d.satisfaction.by_week;
  return {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 48, right: 48, top: 24, bottom: 56 },
    xAxis: { type: "category", data: weeks.map((w) => w.week.slice(5)) },
    yAxis: [
      { type: "value", name: "%", min: 0, max: 100 },
      {
        type: "value",
        name: l.csat,
        nameTextStyle: { align: "right" },
        min: 0,
        max: 5,
        splitLine: { show: false },
      },
    ],
    series: [
      ...SENTIMENT_LABELS.map((k) => ({
        name: l.labels[k],
        type: "bar" as const,
        stack: "share",
        itemStyle: { color: LABEL_COLORS[k] },
        data: weeks.map((w) => pct(w.labels[k].share)),
      })),
      ...SENTIMENT_LABELS.map((k) => ({
        name: `${l.csat} · ${l.labels[k]}`,
        type: "line" as const,
        yAxisIndex: 1,
        connectNulls: true,
        itemStyle: { color: LABEL_COLORS[k] },
        lineStyle: { type: "dashed" as const },
        data: weeks.map((w) => w.labels[k].csat_mean),
      })),
    ],
  };
}
