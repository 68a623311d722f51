import type { DeviceState } from '../../../shared/types';

const SYMBOL: Record<DeviceState, string> = {
  connected: '●',
  connecting: '◌',
  disconnected: '✕',
  stopped: '■',
};

/** A device's link state: symbol and word; colour only when it is abnormal. */
export function DeviceStatusMark({ status }: { status: DeviceState }) {
  return (
    <span className="device-status" data-status={status}>
      <span className="device-status-symbol" aria-hidden="true">
        {SYMBOL[status]}
      </span>
      <span className="device-status-text">{status}</span>
    </span>
  );
}
