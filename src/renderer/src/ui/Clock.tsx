import { useEffect, useRef } from 'react';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time; ticks by writing its own text node, no re-render. */
export function Clock() {
  const ref = useRef<HTMLTimeElement>(null);
  useEffect(() => {
    const tick = () => {
      const el = ref.current;
      if (!el) return;
      const d = new Date();
      el.textContent = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
      el.dateTime = d.toISOString();
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, []);
  return <time ref={ref} className="clock" />;
}
