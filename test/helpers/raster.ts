// A line rasteriser for tests: which pixel rows each column of a polyline covers,
// so two series can be compared as the chart would draw them (gaps at NaN).
/** Rasterises a polyline (gaps at NaN) into columns of covered pixel rows. */
export function raster(t: ArrayLike<number>, v: ArrayLike<number>, from: number, to: number, width: number, lo: number, hi: number): string[] {
  const cols: Set<number>[] = Array.from({ length: width }, () => new Set());
  const x = (time: number) => ((time - from) / (to - from)) * width;
  const y = (value: number) => Math.floor(((value - lo) / (hi - lo)) * 400);
  for (let i = 1; i < t.length; i++) {
    if (Number.isNaN(v[i]!) || Number.isNaN(v[i - 1]!)) continue;
    const [x0, y0, x1, y1] = [x(t[i - 1]!), v[i - 1]!, x(t[i]!), v[i]!];
    for (let c = Math.max(0, Math.floor(x0)); c <= Math.min(width - 1, Math.floor(x1)); c++) {
      // The fractions are clamped: rounding must not push a line past its own end points.
      const at = (x: number) => (x1 === x0 ? 0 : Math.min(1, Math.max(0, (x - x0) / (x1 - x0))));
      const lerp = (f: number) => (f >= 1 ? y1 : f <= 0 ? y0 : y0 + (y1 - y0) * f);
      const ya = x1 === x0 ? y0 : lerp(at(Math.max(c, x0)));
      const yb = x1 === x0 ? y1 : lerp(at(Math.min(c + 1, x1)));
      for (let p = y(Math.min(ya, yb)); p <= y(Math.max(ya, yb)); p++) cols[c]!.add(p);
    }
  }
  return cols.map((set) => [...set].sort((a, b) => a - b).join(','));
}

