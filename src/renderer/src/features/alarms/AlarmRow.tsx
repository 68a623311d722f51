// One row of the alarm list. React renders it when its alarm changes (the
// alarm stream replaces the object); the value cell is painted from the
// live-value cache like the tag table's, so the tag's value moves without a
// render. The NE107 cell follows the instrument's status on its own.
import { memo, useLayoutEffect, useRef, type MouseEvent, type Ref } from 'react';
import { isUnacknowledged, type AlarmInfo } from '../../../../shared/alarms';
import { leafName, parentFolder } from '../../../../shared/tagPath';
import type { TagDataType, TagValue } from '../../../../shared/types';
import { liveValues } from '../../stores';
import { formatTime } from '../../ui/format';
import { Ne107Cell } from '../tags/Ne107Cell';
import { formatAlarmTime, formatAlarmValue, formatLimit, KIND_TEXT } from './alarmFormat';
import { priorityKey, STATE_TEXT, type ListShow } from './alarmList';
import { PriorityMark } from './PriorityMark';

export interface AlarmRowProps {
  readonly alarm: AlarmInfo;
  readonly index: number;
  readonly show: ListShow;
  readonly selected: boolean;
  readonly cursor: boolean;
  /** The tag's data type, for formatting its value (undefined: not in the catalogue). */
  readonly dataType: TagDataType | undefined;
  /** The minute now (it changes once a minute, not per render): "today" vs an older date. */
  readonly now: number;
  readonly rowRef: Ref<HTMLDivElement>;
  readonly onPick: (id: string, index: number, e: MouseEvent) => void;
  readonly onAck: (id: string) => void;
  readonly onMenu: (id: string, x: number, y: number) => void;
}

export const alarmRowId = (index: number) => `alarm-row-${index}`;

export const AlarmRow = memo(function AlarmRow(props: AlarmRowProps) {
  const { alarm, index, show, selected, cursor, dataType, now, rowRef, onPick, onAck, onMenu } = props;
  const valueRef = useRef<HTMLSpanElement>(null);

  // The tag's value now, when the list subscribes it; before the first one
  // arrives, the value the alarm last changed state at.
  useLayoutEffect(() => {
    const el = valueRef.current;
    if (!el) return;
    const paint = (v: Pick<TagValue, 'value'> & { quality?: TagValue['quality'] }) => {
      const text = formatAlarmValue(v.value, alarm.units, dataType);
      if (el.textContent !== text) el.textContent = text;
      const quality = v.quality?.status ?? 'good';
      if (el.dataset.quality !== quality) el.dataset.quality = quality;
    };
    paint(liveValues.get(alarm.path) ?? { value: alarm.value });
    return liveValues.subscribe(alarm.path, paint);
  }, [alarm.path, alarm.value, alarm.units, dataType]);

  const key = priorityKey(alarm.priority);
  const unack = isUnacknowledged(alarm.state);
  const folder = parentFolder(alarm.path);
  return (
    <div
      ref={rowRef}
      id={alarmRowId(index)}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className="alarm-row"
      data-index={index}
      data-cursor={cursor || undefined}
      data-testid="alarm-row"
      data-alarm-id={alarm.id}
      data-path={alarm.path}
      data-state={alarm.state}
      data-priority={key}
      onMouseDown={(e) => {
        if (e.button === 0) onPick(alarm.id, index, e);
      }}
      onDoubleClick={() => unack && onAck(alarm.id)}
      onContextMenu={(e) => {
        e.preventDefault();
        onMenu(alarm.id, e.clientX, e.clientY);
      }}
    >
      <span role="gridcell" className="cell acell-prio">
        <PriorityMark
          priority={alarm.priority}
          hollow={alarm.state === 'rtn_unacknowledged' || alarm.state === 'latched'}
        />
      </span>
      <span role="gridcell" className="cell acell-state">
        <span className="alarm-state" data-state={alarm.state} data-testid="alarm-state">
          <span className="alarm-state-symbol" data-state={alarm.state} data-priority={key} aria-hidden="true" />
          <span className="alarm-state-text">{STATE_TEXT[alarm.state]}</span>
        </span>
      </span>
      <span role="gridcell" className="cell acell-time num" title={timeTitle(alarm, now)}>
        {formatAlarmTime(alarm.activeAt, now)}
      </span>
      <span role="gridcell" className="cell acell-path" title={alarm.path}>
        {folder !== '' && <span className="path-folder">{folder}/</span>}
        <span className="path-leaf">{leafName(alarm.path)}</span>
      </span>
      <span
        role="gridcell"
        className="cell acell-message"
        title={`${alarm.message}\n${KIND_TEXT[alarm.kind]} alarm · ${alarm.id}`}
      >
        {alarm.message}
      </span>
      <span
        role="gridcell"
        className="cell acell-value"
        title={`At the last change of state: ${formatAlarmValue(alarm.value, alarm.units, dataType)}`}
      >
        <span ref={valueRef} className="alarm-value num" data-testid="alarm-value" />
      </span>
      <span role="gridcell" className="cell acell-limit num">
        {formatLimit(alarm)}
      </span>
      <span role="gridcell" className="cell acell-ne107">
        <Ne107Cell path={alarm.path} />
      </span>
      <span role="gridcell" className="cell acell-flags">
        <Flags alarm={alarm} show={show} now={now} />
      </span>
    </div>
  );
});

/** Why a hidden alarm is hidden (the reason on hover); in the active list, a latch. */
function Flags({ alarm, show, now }: { alarm: AlarmInfo; show: ListShow; now: number }) {
  const flags: { id: string; symbol: string; text: string; title: string }[] = [];
  if (alarm.shelvedUntil !== null) {
    flags.push({
      id: 'shelved',
      symbol: '⧗',
      text: `Shelved → ${formatAlarmTime(alarm.shelvedUntil, now)}`,
      title: `Shelved until ${formatAlarmTime(alarm.shelvedUntil, now)}${reasonOf(alarm.shelveReason)}`,
    });
  }
  if (alarm.outOfService) {
    flags.push({
      id: 'oos',
      symbol: '⊘',
      text: 'Out of service',
      title: `Out of service${reasonOf(alarm.outOfServiceReason)}`,
    });
  }
  if (alarm.suppressed) {
    flags.push({ id: 'suppressed', symbol: '◌', text: 'Suppressed', title: 'Suppressed by design (equipment not in service)' });
  }
  if (flags.length === 0) return null;
  const reason = show === 'hidden' ? (alarm.shelveReason ?? alarm.outOfServiceReason) : null;
  return (
    <span className="alarm-flags" data-testid="alarm-flags" title={flags.map((f) => f.title).join('\n')}>
      {flags.map((f) => (
        <span key={f.id} className="alarm-flag" data-flag={f.id}>
          <span aria-hidden="true">{f.symbol}</span> {f.text}
        </span>
      ))}
      {reason && <span className="alarm-flag-reason muted">{reason}</span>}
    </span>
  );
}

const reasonOf = (reason: string | null) => (reason ? `: ${reason}` : '');

function timeTitle(alarm: AlarmInfo, now: number): string {
  const lines: string[] = [];
  if (alarm.activeAt !== null) {
    lines.push(`Active since ${formatAlarmTime(alarm.activeAt, now)} (${formatTime(alarm.activeAt)})`);
  }
  if (alarm.ackedAt !== null) {
    lines.push(`Acknowledged ${formatAlarmTime(alarm.ackedAt, now)}${alarm.ackedBy ? ` by ${alarm.ackedBy}` : ''}`);
  }
  return lines.join('\n');
}
