// The optional horn for new unacknowledged priority 1 and 2 alarms: a few
// short tones made with WebAudio (no sound files, nothing to load). Off by
// default; the operator's choice is kept in localStorage for this
// workstation. Browsers only let audio start after a user gesture, so the
// context is made when the operator turns the sound on, and (after a reload
// with the sound on) resumed on the first key or click.
import type { AlarmPriority } from '../../../../shared/alarms';

const STORAGE_KEY = 'scada-hmi.alarmSound';

export function loadSoundOn(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false; // storage blocked: the default
  }
}

export function saveSoundOn(on: boolean): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Storage blocked: the choice lasts until the window closes.
  }
}

/** Priority 1: three high tones; priority 2: two lower ones. */
const PATTERN: Readonly<Record<1 | 2, { hz: number; beeps: number }>> = {
  1: { hz: 880, beeps: 3 },
  2: { hz: 660, beeps: 2 },
};

const BEEP_S = 0.16;
const GAP_S = 0.09;

export class AlarmHorn {
  private context: AudioContext | null = null;
  private unlock: (() => void) | null = null;

  /** Call from a user gesture (the toggle's click) when possible. */
  prepare(): void {
    if (this.context === null) {
      if (typeof AudioContext === 'undefined') return;
      this.context = new AudioContext();
    }
    if (this.context.state === 'suspended') {
      void this.context.resume().catch(() => {});
      this.waitForGesture();
    }
  }

  play(priority: AlarmPriority): void {
    const pattern = priority === 1 ? PATTERN[1] : priority === 2 ? PATTERN[2] : null;
    if (pattern === null) return;
    this.prepare();
    const ctx = this.context;
    if (ctx === null || ctx.state !== 'running') return;
    const start = ctx.currentTime + 0.02;
    for (let i = 0; i < pattern.beeps; i++) {
      const t = start + i * (BEEP_S + GAP_S);
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = pattern.hz;
      // Short ramps: no clicks at the edges.
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.12, t + 0.01);
      gain.gain.setValueAtTime(0.12, t + BEEP_S - 0.02);
      gain.gain.linearRampToValueAtTime(0, t + BEEP_S);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + BEEP_S + 0.01);
    }
  }

  dispose(): void {
    this.unlock?.();
    void this.context?.close().catch(() => {});
    this.context = null;
  }

  private waitForGesture(): void {
    if (this.unlock !== null) return;
    const resume = () => {
      void this.context?.resume().catch(() => {});
      this.unlock?.();
    };
    window.addEventListener('pointerdown', resume, true);
    window.addEventListener('keydown', resume, true);
    this.unlock = () => {
      window.removeEventListener('pointerdown', resume, true);
      window.removeEventListener('keydown', resume, true);
      this.unlock = null;
    };
  }
}
