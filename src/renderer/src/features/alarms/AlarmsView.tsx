// The Alarms screen: four sub-views as tabs — the operator's Active list,
// the Shelved/hidden alarms (shelved, suppressed by design, out of
// service), the Journal and the KPIs. The active and hidden lists are the
// merged alarm stream, filtered here; journal and KPIs ask the runtime.
import { useMemo, type KeyboardEvent } from 'react';
import { isUnacknowledged } from '../../../../shared/alarms';
import { isHidden, useHmi, type AlarmTab } from '../../stores';
import { formatCount } from '../../ui/format';
import { isListed } from './alarmList';
import { AlarmListView } from './AlarmListView';
import { JournalView } from './JournalView';
import { KpiView } from './KpiView';
import './alarms.css';
import '../../ui/screenTabs.css';

const TABS: readonly { tab: AlarmTab; label: string }[] = [
  { tab: 'active', label: 'Active' },
  { tab: 'hidden', label: 'Shelved / hidden' },
  { tab: 'journal', label: 'Journal' },
  { tab: 'kpis', label: 'KPIs' },
];

export function AlarmsView() {
  const tab = useHmi((s) => s.alarmTab);
  const setTab = useHmi((s) => s.setAlarmTab);
  const alarms = useHmi((s) => s.alarms);
  const counts = useMemo(() => {
    let listed = 0;
    let unack = 0;
    let hidden = 0;
    for (const a of alarms.values()) {
      if (isListed(a)) {
        listed++;
        if (isUnacknowledged(a.state)) unack++;
      } else if (isHidden(a)) hidden++;
    }
    return { listed, unack, hidden };
  }, [alarms]);

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const at = TABS.findIndex((t) => t.tab === tab);
    const next = TABS[(at + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    setTab(next.tab);
    document.getElementById(`alarm-tab-${next.tab}`)?.focus();
  };

  return (
    <section className="screen alarms" aria-label="Alarms" data-testid="alarms-view">
      <nav className="screen-tabs alarm-tabs" role="tablist" aria-label="Alarm views">
        {TABS.map(({ tab: t, label }) => (
          <button
            key={t}
            id={`alarm-tab-${t}`}
            type="button"
            role="tab"
            className="screen-tab alarm-tab"
            data-testid={`alarm-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`alarm-panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
            onKeyDown={onKeyDown}
          >
            {label}
            {t === 'active' && (
              <span className="alarm-tab-count num">
                {formatCount(counts.listed)}
                {counts.unack > 0 && <strong> · {formatCount(counts.unack)} unack</strong>}
              </span>
            )}
            {t === 'hidden' && <span className="alarm-tab-count num">{formatCount(counts.hidden)}</span>}
          </button>
        ))}
      </nav>
      <div className="screen-panel alarm-panel" id={`alarm-panel-${tab}`} role="tabpanel" aria-labelledby={`alarm-tab-${tab}`}>
        {tab === 'active' || tab === 'hidden' ? (
          <AlarmListView key={tab} show={tab} />
        ) : tab === 'journal' ? (
          <JournalView />
        ) : (
          <KpiView />
        )}
      </div>
    </section>
  );
}
