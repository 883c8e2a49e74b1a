// The mining pages' chart options: pure functions of the stored results (labels translated by
// the caller). The forecast's prediction band is two stacked areas: the lower bound drawn
// invisibly, the band's height (upper − lower) filled on top of it.
import type { DayShape, ForecastResult, TopicRow } from "../../api/mining";
import type { ChartOption } from "../dashboards/echarts";

const COLORS = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777"];

const hourLabel = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

export function topicTrendOption(topic: TopicRow, days: string[], label: string): ChartOption {
  return {
    color: COLORS,
    tooltip: { trigger: "axis" },
    grid: { left: 32, right: 8, top: 8, bottom: 24 },
    xAxis: { type: "category", data: days.map((d) => d.slice(5)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: label, type: "bar", data: topic.trend }],
  };
}

export interface ForecastLabels {
  actual: string;
  expected: string;
  band: string;
  agents: string;
}

export function forecastOption(f: ForecastResult, l: ForecastLabels): ChartOption {
  // One time axis: the last week's actual hours, then the forecast's.
  const forecastStart = f.starts[0] ?? "";
  const past = f.actual.starts.filter((s) => s < forecastStart);
  const axis = [...past, ...f.starts];
  const pad = (xs: (number | null)[]) => [...past.map(() => null), ...xs];
  const actualByStart = new Map(f.actual.starts.map((s, i) => [s, f.actual.counts[i]]));
  return {
    color: ["#334155", "#2563eb", "#93c5fd", "#16a34a"],
    tooltip: { trigger: "axis" },
    legend: { data: [l.actual, l.expected, l.band, l.agents], bottom: 0 },
    grid: { left: 40, right: 48, top: 16, bottom: 56 },
    xAxis: { type: "category", data: axis.map(hourLabel), boundaryGap: false },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", minInterval: 1, position: "right", splitLine: { show: false } },
    ],
    series: [
      {
        name: "lower",
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        tooltip: { show: false },
        data: pad(f.lower),
      },
      {
        name: l.band,
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        areaStyle: { color: "#93c5fd", opacity: 0.5 },
        data: pad(f.upper.map((u, i) => Math.max(0, u - (f.lower[i] ?? 0)))),
      },
      {
        name: l.expected,
        type: "line",
        symbol: "none",
        smooth: true,
        lineStyle: { width: 2 },
        data: pad(f.mean.map((m) => Math.round(m * 100) / 100)),
      },
      {
        name: l.actual,
        type: "line",
        symbol: "none",
        lineStyle: { width: 1.5 },
        data: axis.map((s) => actualByStart.get(s) ?? null),
      },
      {
        name: l.agents,
        type: "line",
        step: "middle",
        symbol: "none",
        yAxisIndex: 1,
        lineStyle: { width: 1.5, type: "dashed" },
        data: pad(f.staffing.agents),
      },
    ],
  };
}

export function shapesOption(slots: string[], shapes: DayShape[], label: (s: DayShape) => string): ChartOption {
  return {
    color: COLORS,
    tooltip: { trigger: "axis", valueFormatter: (v) => `${(Number(v) * 100).toFixed(1)}%` },
    legend: { data: shapes.map(label), bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: "category", data: slots },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: shapes.map((s) => ({
      name: label(s),
      type: "line" as const,
      smooth: true,
      symbol: "circle",
      data: s.profile,
    })),
  };
}
