// Durations for people: "45 s", "3 min 20 s", "2 h 5 min", "1 d 4 h" — in the user's language.

const UNITS: Record<string, { d: string; h: string; min: string; s: string }> = {
  en: { d: "d", h: "h", min: "min", s: "s" },
  "zh-CN": { d: "天", h: "小时", min: "分", s: "秒" },
};

export function formatDuration(seconds: number | null | undefined, locale: string): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const u = UNITS[locale] ?? UNITS.en!;
  const zh = locale.startsWith("zh");
  const part = (n: number, unit: string) => (zh ? `${n}${unit}` : `${n} ${unit}`);
  const total = Math.round(seconds);
  if (total < 60) return part(total, u.s);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  // The two largest units are enough to compare agents at a glance.
  const parts: [number, string][] = d
    ? [[d, u.d], [h, u.h]]
    : h
      ? [[h, u.h], [m, u.min]]
      : [[m, u.min], [s, u.s]];
  return parts
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, unit]) => part(n, unit))
    .join(zh ? "" : " ");
}
