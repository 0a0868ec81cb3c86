/** Plain SVG charts (no library): a line chart of series over time, and a grouped bar chart. */
const W = 760;
const H = 320;
const PAD = { l: 70, r: 150, t: 36, b: 44 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : Math.abs(v) >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : Number.isInteger(v) ? String(v) : v.toFixed(2));

function frame(title: string, yLabel: string, xLabel: string, body: string, legend: string[]): string {
  const items = legend.map((name, i) => `<rect x="${W - PAD.r + 12}" y="${PAD.t + i * 18}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${W - PAD.r + 30}" y="${PAD.t + 10 + i * 18}">${esc(name)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2 - PAD.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
<text x="14" y="${PAD.t + (H - PAD.t - PAD.b) / 2}" transform="rotate(-90 14 ${PAD.t + (H - PAD.t - PAD.b) / 2})" text-anchor="middle">${esc(yLabel)}</text>
<text x="${PAD.l + (W - PAD.l - PAD.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>
${body}${items}
</svg>
`;
}

function yAxis(max: number): { ticks: string; y: (v: number) => number } {
  const top = max > 0 ? max * 1.05 : 1;
  const y = (v: number) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  let ticks = `<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#333"/><line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" stroke="#333"/>`;
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    ticks += `<line x1="${PAD.l}" y1="${y(v)}" x2="${W - PAD.r}" y2="${y(v)}" stroke="#eee"/><text x="${PAD.l - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`;
  }
  return { ticks, y };
}

/** Several series over the same x (e.g. hours); `xTick` labels every `xEvery`-th point. */
export function lineChart(o: { title: string; yLabel: string; xLabel: string; series: Array<{ name: string; values: number[] }>; xEvery: number; xTick: (i: number) => string }): string {
  const n = Math.max(1, ...o.series.map((s) => s.values.length));
  const max = Math.max(0, ...o.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const { ticks, y } = yAxis(max);
  const x = (i: number) => PAD.l + (n <= 1 ? 0 : (i / (n - 1)) * (W - PAD.l - PAD.r));
  let body = ticks;
  for (let i = 0; i < n; i += o.xEvery) body += `<text x="${x(i)}" y="${H - PAD.b + 16}" text-anchor="middle">${esc(o.xTick(i))}</text>`;
  o.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean).join(' ');
    body += `<polyline fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.5" points="${pts}"/>`;
  });
  return frame(o.title, o.yLabel, o.xLabel, body, o.series.map((s) => s.name));
}

/** Groups (e.g. mechanisms) of bars (e.g. p50 and p99). */
export function barChart(o: { title: string; yLabel: string; groups: string[]; bars: Array<{ name: string; values: number[] }> }): string {
  const max = Math.max(0, ...o.bars.flatMap((b) => b.values.filter(Number.isFinite)));
  const { ticks, y } = yAxis(max);
  const gw = (W - PAD.l - PAD.r) / Math.max(1, o.groups.length);
  const bw = (gw * 0.8) / Math.max(1, o.bars.length);
  let body = ticks;
  o.groups.forEach((g, gi) => {
    body += `<text x="${PAD.l + gw * gi + gw / 2}" y="${H - PAD.b + 16}" text-anchor="middle">${esc(g)}</text>`;
    o.bars.forEach((b, bi) => {
      const v = b.values[gi] ?? 0;
      const x0 = PAD.l + gw * gi + gw * 0.1 + bw * bi;
      body += `<rect x="${x0.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(H - PAD.b - y(v)).toFixed(1)}" fill="${COLORS[bi % COLORS.length]}"><title>${esc(`${g} ${b.name}: ${fmt(v)}`)}</title></rect>`;
      body += `<text x="${(x0 + bw / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${fmt(v)}</text>`;
    });
  });
  return frame(o.title, o.yLabel, '', body, o.bars.map((b) => b.name));
}
