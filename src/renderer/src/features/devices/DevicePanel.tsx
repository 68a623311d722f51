// Device status: one block per device from `devices.list`, kept current by
// the `devices.status` stream (see storeWiring.ts): its link, its NE107 status
// (the link and the worst of its instruments) and its counters. Abnormal
// states stand out; a healthy device is quiet grey.
import { useShallow } from 'zustand/react/shallow';
import { detailOf, type DeviceInfo, type DriverFigure } from '../../../../shared/types';
import { useHmi } from '../../stores';
import { DeviceStatusMark } from '../../ui/DeviceStatusMark';
import { formatCount, formatTime } from '../../ui/format';
import { Ne107Mark } from '../../ui/Ne107Mark';
import './devices.css';

export function DevicePanel() {
  const { devices, loaded, error } = useHmi(
    useShallow((s) => ({ devices: s.devices, loaded: s.devicesLoaded, error: s.devicesError })),
  );
  const down = devices.filter((d) => d.status !== 'connected' && d.status !== 'stopped').length;
  return (
    <aside className="device-panel" aria-label="Devices">
      <div className="pane-title">
        Devices
        <span className="pane-title-aside">
          {loaded && (down === 0 ? `${devices.length} ok` : `${down} of ${devices.length} not connected`)}
        </span>
      </div>
      {error && <p className="pane-note" role="alert">{error}</p>}
      {!loaded && !error && <p className="pane-note">Loading devices…</p>}
      {loaded && devices.length === 0 && <p className="pane-note">No devices in this project.</p>}
      <ul className="device-list">
        {devices.map((device) => (
          <DeviceRow key={device.name} device={device} />
        ))}
      </ul>
    </aside>
  );
}

function DeviceRow({ device }: { device: DeviceInfo }) {
  const pollMs = detailOf(device, 'pollMs');
  return (
    <li
      className="device-row"
      data-testid="device-row"
      data-name={device.name}
      data-status={device.status}
      data-ne107={device.ne107}
    >
      <div className="device-head">
        <span className="device-name">{device.name}</span>
        <span className="device-marks">
          <Ne107Mark status={device.ne107} wide testId="device-ne107" />
          <DeviceStatusMark status={device.status} />
        </span>
      </div>
      <div className="device-driver">
        {device.driver} · {formatCount(device.tagCount)} tags{typeof pollMs === 'number' ? ` · poll ${pollMs} ms` : ''}
      </div>
      <dl className="device-stats">
        <Stat label="Requests" value={formatCount(device.requests)} />
        <Stat label="Errors" value={formatCount(device.errors)} abnormal={device.errors > 0} />
        <Stat label="Timeouts" value={formatCount(device.timeouts)} abnormal={device.timeouts > 0} />
        <Stat label="Reconnects" value={formatCount(device.reconnects)} />
        {device.details
          .filter((figure) => figure.key !== 'pollMs')
          .map((figure) => (
            <Stat key={figure.key} label={figure.label} value={formatFigure(figure)} abnormal={figure.abnormal === true} />
          ))}
      </dl>
      {device.lastError !== null && (
        <div className="device-error" title={device.lastError}>
          <span className="device-error-label">Last error</span>
          {device.lastErrorAt !== null && <span className="num"> {formatTime(device.lastErrorAt)}</span>}
          <div className="device-error-text">{device.lastError}</div>
        </div>
      )}
    </li>
  );
}

function Stat({ label, value, abnormal = false }: { label: string; value: string; abnormal?: boolean }) {
  return (
    <div className="stat" data-abnormal={abnormal || undefined}>
      <dt>{label}</dt>
      <dd className="num">{value}</dd>
    </div>
  );
}

/** A protocol's figure as the panel shows it: counts grouped, durations with their unit, none as a dash. */
function formatFigure(figure: DriverFigure): string {
  const { value, unit } = figure;
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  const text = unit === 'ms' ? formatScan(value) : formatCount(value);
  return unit ? `${text} ${unit}` : text;
}

function formatScan(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}
