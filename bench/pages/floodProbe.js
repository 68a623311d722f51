/* global window, document, requestAnimationFrame, KeyboardEvent */
// Runs inside the page of the alarms.flood_ui_ms benchmark (plain browser
// JavaScript, added with page.addInitScript before the app loads).
//
// It stamps the arrival of the flood (the first big alarms.changed message)
// before the app's own handler sees it, and measures from there to the list
// showing every alarm and answering a key press: ArrowDown moves the cursor,
// and the frame after that is painted.
(() => {
  let arrived;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (arrived === undefined && typeof event.data === 'string' && event.data.length > 100000 && event.data.includes('"alarms.changed"')) {
          arrived = performance.now();
        }
      });
    }
  };

  const listCount = () => document.querySelector('[data-testid="alarm-list-count"] .num')?.textContent?.replace(/\D/g, '');
  const cursorId = () => document.querySelector('[data-cursor]')?.getAttribute('data-alarm-id') ?? null;

  window.__floodProbe = {
    reset() {
      arrived = undefined;
    },
    measure(count) {
      return new Promise((resolve, reject) => {
        const deadline = performance.now() + 30000;
        const frame = () => {
          if (performance.now() > deadline) return reject(new Error(`the list never showed ${count} alarms`));
          if (arrived === undefined || listCount() !== String(count)) return requestAnimationFrame(frame);
          const grid = document.querySelector('[data-testid="alarm-grid"]');
          if (!grid) return reject(new Error('no alarm grid'));
          grid.focus();
          const before = cursorId();
          grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
          const moved = () => {
            if (cursorId() === null || cursorId() === before) return requestAnimationFrame(moved);
            requestAnimationFrame(() => resolve(performance.now() - arrived));
          };
          requestAnimationFrame(moved);
        };
        requestAnimationFrame(frame);
      });
    },
  };
})();
