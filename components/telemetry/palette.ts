/** Chart and badge colors on the dark canvas (Tailwind 400s: readable on #0e0e11, distinct from each other). */
export const SERIES_COLORS = [
  "#818cf8", // indigo
  "#34d399", // emerald
  "#fbbf24", // amber
  "#f472b6", // pink
  "#38bdf8", // sky
  "#a78bfa", // violet
  "#fb923c", // orange
  "#2dd4bf", // teal
  "#a3e635", // lime
  "#f87171", // red
];

export const CLASS_COLORS: Record<string, string> = {
  command_failed: "#fbbf24",
  tool_error: "#f87171",
  timeout: "#fb923c",
  sandbox_denial: "#a78bfa",
  cancelled: "#94a3b8",
  permission_denied: "#f472b6",
};

export const SOURCE_COLORS: Record<string, string> = {
  agent: "#818cf8",
  detector: "#34d399",
  user: "#f472b6",
};

export function colorFor(key: string, index: number, fixed?: Record<string, string>): string {
  return fixed?.[key] ?? SERIES_COLORS[index % SERIES_COLORS.length] ?? "#818cf8";
}

export const AXIS = { stroke: "#303038", tick: { fill: "#74747f", fontSize: 11 } };
export const GRID = "#222228";
export const TOOLTIP_STYLE = {
  contentStyle: {
    background: "#141418",
    border: "1px solid #303038",
    borderRadius: 6,
    fontSize: 12,
    color: "#e6e6eb",
  },
  labelStyle: { color: "#a0a0ab" },
  itemStyle: { padding: 0 },
};
