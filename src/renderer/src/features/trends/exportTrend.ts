// Downloads of a trend: a Blob through a temporary link (no window.open, no
// data: URLs), and the PNG composed from uPlot's canvas on the chart's grey,
// with a title line above and the legend drawn in below, so the picture
// stands on its own in a report.
import { CHART_FONT, CHART_TEXT } from './chartOptions';

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "20250314-080509", local time, for file names. */
export function fileStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}-${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
}

export interface PngLegendLine {
  readonly color: string;
  readonly path: string;
  /** The value as the legend shows it ("42.31 °C", "— (bad)"). */
  readonly value: string;
}

const BACKGROUND = '#e2e3e5';
const TITLE_BAND = '#cbcdd0';
const RULE = '#b4b7ba';
const TITLE_H = 26;
const LINE_H = 18;
const PAD = 10;

/** `valuesAt` heads the legend's value column ("Latest 2025-03-14 08:05:09.000"). */
export function trendPng(
  chartCanvas: HTMLCanvasElement,
  title: string,
  valuesAt: string,
  lines: readonly PngLegendLine[],
): Promise<Blob> {
  const ratio = Math.max(1, chartCanvas.width / Math.max(1, chartCanvas.clientWidth || chartCanvas.width));
  const cssW = chartCanvas.width / ratio;
  const cssH = chartCanvas.height / ratio;
  const legendH = lines.length > 0 ? PAD + (lines.length + 1) * LINE_H + PAD / 2 : 0;

  const canvas = document.createElement('canvas');
  canvas.width = Math.round(cssW * ratio);
  canvas.height = Math.round((TITLE_H + cssH + legendH) * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('this browser cannot draw a canvas'));
  ctx.scale(ratio, ratio);

  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, cssW, TITLE_H + cssH + legendH);
  ctx.fillStyle = TITLE_BAND;
  ctx.fillRect(0, 0, cssW, TITLE_H);
  ctx.fillStyle = RULE;
  ctx.fillRect(0, TITLE_H - 1, cssW, 1);

  ctx.font = `600 ${CHART_FONT.replace(/^11px/, '12px')}`;
  ctx.fillStyle = '#1c1e20';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, PAD, TITLE_H / 2, cssW - 2 * PAD);

  ctx.drawImage(chartCanvas, 0, TITLE_H, cssW, cssH);

  if (lines.length > 0) {
    const top = TITLE_H + cssH;
    ctx.fillStyle = RULE;
    ctx.fillRect(0, top, cssW, 1);
    ctx.font = CHART_FONT.replace(/^11px/, '12px');
    const valueX = Math.max(PAD + 300, cssW - 260);
    ctx.fillStyle = CHART_TEXT;
    ctx.fillText('Pen', PAD + 26, top + PAD + LINE_H / 2);
    ctx.fillText(valuesAt, valueX, top + PAD + LINE_H / 2, cssW - valueX - PAD);
    lines.forEach((line, i) => {
      const y = top + PAD + (i + 1) * LINE_H + LINE_H / 2;
      ctx.fillStyle = line.color;
      ctx.fillRect(PAD, y - 1.5, 18, 3);
      ctx.fillStyle = '#1c1e20';
      ctx.fillText(line.path, PAD + 26, y, valueX - PAD - 40);
      ctx.fillStyle = CHART_TEXT;
      ctx.fillText(line.value, valueX, y, cssW - valueX - PAD);
    });
  }

  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the chart could not be encoded as PNG'))), 'image/png');
  });
}
