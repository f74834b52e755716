// The dashboard's charts (docs/management.md#dashboard), drawn with uPlot from the figures the page carries in
// #dashboard-data. Every chart repeats a table of the page, which is what screen readers get (the charts are
// aria-hidden).
const data = JSON.parse(document.getElementById('dashboard-data').textContent);
const t = data.texts;
const colours = ['#0b5cad', '#1a6b34', '#a4161a', '#8a4b00', '#5b3a8c'];

function width(el) {
  return Math.max(280, Math.min(el.parentElement.clientWidth || 600, 1100));
}

// A bar chart over categories (countries, reasons, providers): x is the category's index, labelled by name. A
// second series (a part of the first, such as verified out of sent) is drawn as a narrower bar inside the first.
function bars(id, labels, series) {
  const el = document.getElementById(id);
  if (!el || labels.length === 0) return;
  const xs = labels.map((_, i) => i);
  const opts = {
    width: width(el),
    height: 260,
    scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
    axes: [
      { values: (u, splits) => splits.map((v) => (Number.isInteger(v) && labels[v] !== undefined ? labels[v] : '')),
        splits: () => xs, stroke: '#1b1f24', grid: { show: false } },
      { stroke: '#1b1f24' },
    ],
    legend: { show: true, live: false },
    cursor: { show: false },
    series: [{}].concat(series.map((s, i) => ({
      label: s.label,
      stroke: colours[i % colours.length],
      fill: colours[i % colours.length],
      paths: uPlot.paths.bars({ size: [i === 0 ? 0.7 : 0.35, 80] }),
      points: { show: false },
    }))),
  };
  return new uPlot(opts, [xs].concat(series.map((s) => s.values)), el);
}

// A line chart per UTC day: x is the day's index, labelled MM-DD, at most every day and never crowded.
function lines(id, series, yLabel) {
  const el = document.getElementById(id);
  if (!el) return;
  const xs = data.days.map((_, i) => i);
  const opts = {
    width: width(el),
    height: 260,
    scales: { x: { time: false } },
    axes: [
      { stroke: '#1b1f24', incrs: [1, 2, 7, 14, 28],
        values: (u, splits) => splits.map((v) => (Number.isInteger(v) && data.days[v] ? data.days[v].slice(5) : '')) },
      { stroke: '#1b1f24', label: yLabel },
    ],
    legend: { show: true },
    series: [{ value: (u, v) => (v == null || !data.days[v] ? '' : data.days[v]) }].concat(series.map((s, i) => ({
      label: s.label, stroke: colours[i % colours.length], width: 2, spanGaps: false,
      points: { show: true, size: 6 },
    }))),
  };
  return new uPlot(opts, [xs].concat(series.map((s) => s.values)), el);
}

const charts = [];
const keep = (chart) => chart && charts.push(chart);
keep(lines('chart-days', [
  { label: t.sent, values: data.sent },
  { label: t.verified, values: data.verified },
  { label: t.refused, values: data.refused },
], t.count));
keep(lines('chart-conversion', [{ label: t.conversion, values: data.conversion }], '%'));
keep(bars('chart-countries', data.countries, [
  { label: t.sent, values: data.countrySent },
  { label: t.verified, values: data.countryVerified },
]));
if (data.countrySpend.some((v) => v !== null)) {
  keep(bars('chart-spend', data.countries, [{ label: t.spend, values: data.countrySpend }]));
}
keep(bars('chart-refusals', data.reasons, [{ label: t.reasons, values: data.reasonCounts }]));
// Per provider and day, from every server's tally: p50 and p95 latency, and failed attempts.
keep(lines('chart-provider-latency', data.providers.flatMap((name, i) => [
  { label: name + ' p50', values: data.providerP50[i] },
  { label: name + ' p95', values: data.providerP95[i] },
]), t.latency));
keep(lines('chart-provider-failed', data.providers.map((name, i) => ({ label: name, values: data.providerFailed[i] })),
  t.failed));
let pending = 0;
window.addEventListener('resize', () => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(() => charts.forEach((c) => c.setSize({ width: width(c.root.parentElement), height: 260 })));
});
document.documentElement.dataset.charts = 'ready';
