// The charts' options built from the dashboard's data: pure functions, so the view only wires
// data, filters and clicks. Labels come translated from the caller.
import type { BreakdownRow, Dashboard } from "../../api/analytics";
import type { ChartOption } from "./echarts";

const COLORS = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777"];

export interface Labels {
  volume: string;
  assigned: string;
  resolved: string;
  handleMinutes: string;
  csat: string;
  weekdays: string[];
  outcomes: { agents: string; bot: string; abandoned: string };
}

export function trendOption(data: Dashboard, l: Labels): ChartOption {
  return {
    color: COLORS,
    tooltip: { trigger: "axis" },
    legend: { data: [l.volume, l.resolved], bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 48 },
    xAxis: { type: "category", data: data.trend.map((d) => d.day.slice(5)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: l.volume, type: "line", smooth: true, data: data.trend.map((d) => d.volume) },
      { name: l.resolved, type: "line", smooth: true, data: data.trend.map((d) => d.resolved) },
    ],
  };
}

/** The bars' series: conversations started per inbox or channel (fixed at the start); for a
 * team or an agent, the conversations assigned to them. Both with the resolved ones. */
export function breakdownSeries(by: string): { first: "volume" | "assigned"; kind: string } {
  return by === "team" || by === "member"
    ? { first: "assigned", kind: "assigned" }
    : { first: "volume", kind: "created" };
}

export function breakdownOption(
  rows: BreakdownRow[],
  by: string,
  l: Labels,
  unnamed: string,
): ChartOption {
  const { first } = breakdownSeries(by);
  const firstName = first === "volume" ? l.volume : l.assigned;
  return {
    color: COLORS,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: [firstName, l.resolved], bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 64 },
    xAxis: {
      type: "category",
      data: rows.map((r) => r.name || unnamed),
      axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 },
    },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: firstName, type: "bar", data: rows.map((r) => r[first]) },
      { name: l.resolved, type: "bar", data: rows.map((r) => r.resolved) },
    ],
  };
}

export function pieOption(items: { name: string; value: number }[]): ChartOption {
  return {
    color: COLORS,
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0 },
    series: [
      {
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{d}%" },
        data: items.filter((i) => i.value > 0),
      },
    ],
  };
}

export function outcomeItems(data: Dashboard, l: Labels): { name: string; value: number }[] {
  const s = data.summary;
  return [
    { name: l.outcomes.agents, value: s.handle_time.count },
    { name: l.outcomes.bot, value: Math.max(0, s.bot.conversations - s.bot.handovers) },
    { name: l.outcomes.abandoned, value: s.abandoned },
  ];
}

export function scatterOption(data: Dashboard, l: Labels): ChartOption {
  return {
    color: COLORS,
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const v = (p as { value: [number, number, number, string] }).value;
        return `${v[3]}<br/>${l.handleMinutes}: ${v[0]}<br/>${l.csat}: ${v[1]}`;
      },
    },
    grid: { left: 48, right: 24, top: 16, bottom: 48 },
    xAxis: {
      type: "value",
      name: l.handleMinutes,
      nameLocation: "middle",
      nameGap: 28,
      min: 0,
      // room on the right so the largest dot is not cut at the edge
      max: (v: { max: number }) => Math.ceil(v.max * 1.25),
    },
    yAxis: { type: "value", name: l.csat, min: 1, max: 5 },
    series: [
      {
        type: "scatter",
        symbolSize: (v: number[]) => Math.min(40, 8 + Math.sqrt(v[2] ?? 1) * 3),
        data: data.agents_scatter.map((a) => [
          Math.round((a.handle_mean_seconds / 60) * 10) / 10,
          a.csat_average,
          a.handled,
          a.name,
        ]),
      },
    ],
  };
}

export function heatmapOption(data: Dashboard, l: Labels): ChartOption {
  const max = Math.max(1, ...data.heatmap.map((c) => c[2]));
  return {
    tooltip: { position: "top" },
    grid: { left: 48, right: 16, top: 8, bottom: 84 },
    xAxis: { type: "category", data: [...Array(24).keys()].map(String), splitArea: { show: true } },
    yAxis: { type: "category", data: l.weekdays, splitArea: { show: true }, inverse: true },
    visualMap: {
      min: 0,
      max,
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ["#eff6ff", "#2563eb"] },
    },
    series: [
      {
        name: l.volume,
        type: "heatmap",
        // ECharts' heatmap wants [x (hour), y (weekday), value]
        data: data.heatmap.map(([weekday, hour, n]) => [hour, weekday, n]),
        emphasis: { itemStyle: { borderColor: "#111", borderWidth: 1 } },
      },
    ],
  };
}
