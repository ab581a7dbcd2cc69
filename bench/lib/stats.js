// Percentiles, medians and markdown tables for the bench's report.
export function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
export const median = (values) => pct(values, 50);
export const fixed = (v, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
export const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : 'n/a');

/** "median (min–max)" of per-round figures. */
export function spread(values, digits = 3) {
  return `${fixed(median(values), digits)} (${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)})`;
}

export function table(head, rows) {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** Round r's order of `items`: rotated each round so no path always goes first. */
export function rotation(items, r) {
  const k = r % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
