// The alarm banner under the header, on every screen: per priority the
// alarms waiting for acknowledgement and those active, the newest
// unacknowledged alarm of the highest priority, and the horn's switch.
// Quiet grey while nothing waits; a priority's colour only where it has
// alarms. The headline (or Alt+3) opens the list on that alarm.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ALARM_PRIORITIES } from '../../../../shared/alarms';
import { useHmi } from '../../stores';
import { formatCount } from '../../ui/format';
import { openAlarm } from './alarmActions';
import { formatAlarmTime } from './alarmFormat';
import { countByPriority, headlineAlarm, PRIORITY_SHORT, PRIORITY_TEXT, priorityKey } from './alarmList';
import { AlarmHorn, loadSoundOn, saveSoundOn } from './alarmSound';
import { PriorityMark } from './PriorityMark';
import './alarms.css';

export function AlarmBanner() {
  const alarms = useHmi((s) => s.alarms);
  const loaded = useHmi((s) => s.alarmsLoaded);
  const error = useHmi((s) => s.alarmsError);
  const counts = useMemo(() => countByPriority(alarms.values()), [alarms]);
  const headline = useMemo(() => headlineAlarm(alarms.values()), [alarms]);
  const totalUnack = ALARM_PRIORITIES.reduce((n, p) => n + counts[priorityKey(p)].unack, 0);
  const totalActive = ALARM_PRIORITIES.reduce((n, p) => n + counts[priorityKey(p)].active, 0);

  const filterTo = (priority: (typeof ALARM_PRIORITIES)[number]) => {
    const state = useHmi.getState();
    openAlarm(null);
    state.setAlarmTab('active');
    state.setAlarmFilter({ priorities: [priority] });
  };

  return (
    <div
      className="alarm-banner"
      role="region"
      aria-label="Alarm summary"
      data-testid="alarm-banner"
      data-top={headline === null ? 'none' : priorityKey(headline.priority)}
    >
      <button
        type="button"
        className="alarm-banner-title"
        data-testid="alarm-banner-open"
        title="Open the alarm list   (Alt+3)"
        aria-keyshortcuts="Alt+3"
        onClick={() => openAlarm(null)}
      >
        <span className="alarm-banner-label">Alarms</span>
        <span className="num" data-testid="alarm-banner-totals">
          <strong data-testid="alarm-banner-unack">{formatCount(totalUnack)}</strong> unack ·{' '}
          <span data-testid="alarm-banner-active">{formatCount(totalActive)}</span> active
        </span>
      </button>

      <ul className="alarm-banner-counts" aria-label="Alarms by priority">
        {ALARM_PRIORITIES.map((p) => {
          const key = priorityKey(p);
          const c = counts[key];
          return (
            <li key={key}>
              <button
                type="button"
                className="alarm-count"
                data-testid={`alarm-count-${key}`}
                data-priority={key}
                data-unack={c.unack > 0 || undefined}
                data-active={c.active > 0 || undefined}
                title={`${PRIORITY_TEXT[key]}: ${c.unack} unacknowledged, ${c.active} active. Click to list them`}
                onClick={() => filterTo(p)}
              >
                <PriorityMark priority={p} />
                <span className="alarm-count-n num" data-testid="unack">
                  {formatCount(c.unack)}
                </span>
                <span className="alarm-count-sep">/</span>
                <span className="alarm-count-a num" data-testid="active">
                  {formatCount(c.active)}
                </span>
                <span className="visually-hidden">{PRIORITY_SHORT[key]}</span>
              </button>
            </li>
          );
        })}
      </ul>

      {headline !== null ? (
        <button
          type="button"
          className="alarm-headline"
          data-testid="alarm-banner-headline"
          data-alarm-id={headline.id}
          data-priority={priorityKey(headline.priority)}
          title={`Newest unacknowledged ${PRIORITY_TEXT[priorityKey(headline.priority)]} alarm — open it in the list`}
          onClick={() => openAlarm(headline.id)}
        >
          <span
            className="alarm-state-symbol"
            data-state={headline.state}
            data-priority={priorityKey(headline.priority)}
            aria-hidden="true"
          />
          <PriorityMark priority={headline.priority} hollow={headline.state !== 'unacknowledged'} />
          <span className="alarm-headline-time num">{formatAlarmTime(headline.activeAt, Date.now())}</span>
          <span className="alarm-headline-path mono">{headline.path}</span>
          <span className="alarm-headline-message">{headline.message}</span>
        </button>
      ) : (
        <span className="alarm-headline alarm-headline-none" data-testid="alarm-banner-headline-none">
          {error !== null && !loaded ? (
            <>
              <span className="banner-symbol" aria-hidden="true">
                ✕
              </span>
              <span role="alert">Alarms unavailable: {error}</span>
            </>
          ) : loaded ? (
            'No alarm waits for acknowledgement'
          ) : (
            'Waiting for the alarm list…'
          )}
        </span>
      )}

      <SoundToggle />
    </div>
  );
}

/** The horn's switch, and the horn: one chime per new unacknowledged P1/P2 alarm while on. */
function SoundToggle() {
  const [on, setOn] = useState(loadSoundOn);
  const annunciations = useHmi((s) => s.annunciations);
  const horn = useRef<AlarmHorn | null>(null);
  const heard = useRef(annunciations);

  useEffect(() => {
    const h = new AlarmHorn();
    horn.current = h;
    return () => {
      h.dispose();
      horn.current = null;
    };
  }, []);

  useEffect(() => {
    if (on) horn.current?.prepare();
  }, [on]);

  useEffect(() => {
    if (annunciations === heard.current) return;
    heard.current = annunciations;
    const priority = useHmi.getState().annunciatedPriority;
    if (on && priority !== null) horn.current?.play(priority);
  }, [annunciations, on]);

  return (
    <button
      type="button"
      className="btn btn-small alarm-sound"
      data-testid="alarm-sound"
      aria-pressed={on}
      title={
        on
          ? 'Sound on: a tone for each new unacknowledged priority 1 or 2 alarm. Click to silence'
          : 'Sound off. Click for a tone on each new unacknowledged priority 1 or 2 alarm'
      }
      onClick={() => {
        const next = !on;
        setOn(next);
        saveSoundOn(next);
        if (next) horn.current?.prepare();
      }}
    >
      <span className="alarm-sound-symbol" aria-hidden="true">♪</span> Sound {on ? 'on' : 'off'}
    </button>
  );
}
