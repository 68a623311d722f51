/** One figure, on its own line, as `name value unit`. */
export function report(name: string, value: number, unit: string): void {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 2);
  console.log(`${name} ${shown} ${unit}`);
}
