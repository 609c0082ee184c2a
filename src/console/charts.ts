import type { Stats } from './stats.js';

/**
 * Inline SVG charts, rendered on the server from the stats (no chart library, nothing fetched from a CDN).
 * Each chart is an `<svg role="img">` with a title and a description that states the numbers, so a screen
 * reader gets the same facts as the picture; every bar also carries a `<title>` tooltip.
 */

export interface Series {
  name: string;
  /** A CSS colour; the console's palette keeps the pairs distinguishable for colour-blind readers. */
  color: string;
}

export interface Bar {
  label: string;
  values: number[];
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

const width = 640;
const height = 220;
const pad = { top: 24, right: 12, bottom: 44, left: 40 };

/** Vertical stacked bars (one stack per label, one segment per series). */
export function stackedBars(id: string, title: string, series: Series[], bars: Bar[], labelEvery = 1): string {
  const max = Math.max(1, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const step = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, step * 0.7);
  const parts: string[] = [axis(max, plotH)];
  bars.forEach((bar, i) => {
    const x = pad.left + i * step + (step - barW) / 2;
    let y = pad.top + plotH;
    bar.values.forEach((value, s) => {
      if (value <= 0) return;
      const h = (value / max) * plotH;
      y -= h;
      const name = series[s]?.name ?? '';
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${series[s]?.color ?? '#888'}"><title>${escapeXml(`${bar.label}: ${value} ${name}`)}</title></rect>`,
      );
    });
    if (i % labelEvery === 0) {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${height - pad.bottom + 14}" text-anchor="middle" class="tick">${escapeXml(bar.label)}</text>`);
    }
  });
  const summary = bars
    .filter((b) => b.values.some((v) => v > 0))
    .map((b) => `${b.label}: ${b.values.map((v, s) => `${v} ${series[s]?.name ?? ''}`).join(', ')}`)
    .join('; ');
  return frame(id, title, summary || 'no data in this window', [...parts, legend(series)].join(''));
}

/** Horizontal bars, one per label (used for failures by end code). */
export function horizontalBars(id: string, title: string, color: string, bars: { label: string; value: number }[], empty: string): string {
  const rowH = 22;
  const labelW = 210;
  const h = Math.max(60, pad.top + bars.length * rowH + 10);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = width - labelW - pad.right - 40;
  const rows = bars.map((bar, i) => {
    const y = pad.top + i * rowH;
    const w = Math.max(1, (bar.value / max) * plotW);
    return (
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" class="tick">${escapeXml(bar.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${escapeXml(`${bar.label}: ${bar.value}`)}</title></rect>` +
      `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 15}" class="tick">${bar.value}</text>`
    );
  });
  if (bars.length === 0) rows.push(`<text x="${width / 2}" y="${pad.top + 20}" text-anchor="middle" class="tick">${escapeXml(empty)}</text>`);
  const summary = bars.map((b) => `${b.label}: ${b.value}`).join('; ') || empty;
  return frame(id, title, summary, rows.join(''), h);
}

function axis(max: number, plotH: number): string {
  const x = pad.left;
  const ticks = [0, Math.round(max / 2), max].filter((v, i, all) => all.indexOf(v) === i);
  const lines = ticks.map((value) => {
    const y = pad.top + plotH - (value / max) * plotH;
    return `<line x1="${x}" x2="${width - pad.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${x - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="tick">${value}</text>`;
  });
  return lines.join('');
}

function legend(series: Series[]): string {
  return series
    .map((s, i) => {
      const x = pad.left + i * 130;
      const y = height - 12;
      return `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="${y}" class="tick">${escapeXml(s.name)}</text>`;
    })
    .join('');
}

function frame(id: string, title: string, summary: string, body: string, h = height): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${h}" role="img" aria-labelledby="${id}-title ${id}-desc" class="chart">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(summary)}</desc>` +
    `<text x="0" y="14" class="chart-title" aria-hidden="true">${escapeXml(title)}</text>${body}</svg>`
  );
}

const palette = { ok: '#2b7a3d', failed: '#b3261e', latency: '#1f5fa8', active: '#6b4fa0' };

/** The four charts of the overview, as SVG markup keyed by name. */
export function renderCharts(stats: Stats): Record<'perHour' | 'latency' | 'failures' | 'active', string> {
  const hourLabel = (iso: string) => iso.slice(11, 16);
  const latencyLabel = (le: number | null, i: number) => (le === null ? `>${stats.latency[i - 1]?.le ?? 0}s` : `≤${le}s`);
  return {
    perHour: stackedBars(
      'chart-per-hour',
      'Attempts per hour by outcome (UTC)',
      [
        { name: 'ended normally', color: palette.ok },
        { name: 'failed', color: palette.failed },
      ],
      stats.perHour.map((b) => ({ label: hourLabel(b.hour), values: [b.ended, b.failed] })),
      3,
    ),
    latency: stackedBars(
      'chart-latency',
      'Join latency: dispatch to admission',
      [{ name: 'attempts', color: palette.latency }],
      stats.latency.map((b, i) => ({ label: latencyLabel(b.le, i), values: [b.count] })),
    ),
    failures: horizontalBars(
      'chart-failures',
      'Failed attempts by end code',
      palette.failed,
      stats.failuresByEndCode.map((f) => ({ label: f.endCode, value: f.count })),
      'no failures in this window',
    ),
    active: horizontalBars(
      'chart-active',
      `Active bots now: ${stats.activeBots}`,
      palette.active,
      Object.entries(stats.activeByState).map(([state, count]) => ({ label: state, value: count })),
      'no bot is running',
    ),
  };
}
