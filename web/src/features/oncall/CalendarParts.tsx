import { useTranslation } from 'react-i18next';
import { useNow } from '../../components/use-now';
import classes from './calendar.module.css';
import { useViewerZone } from './people';
import { formatDay, wallTime } from './zoned';

/** The calendar's window: [from, to) and the midnights (viewer's zone) inside it. */
export interface Window {
  from: number;
  to: number;
  days: number[];
}

const pct = (at: number, w: Window) => ((at - w.from) / (w.to - w.from)) * 100;

function isWeekend(at: number, zone: string): boolean {
  const w = wallTime(at, zone);
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Day columns: weekend shading and a line at each midnight, optionally with the date. */
export function DayLines({ window, labels = false }: { window: Window; labels?: boolean }) {
  const { i18n } = useTranslation();
  const zone = useViewerZone();
  const now = useNow();
  return (
    <>
      {window.days.map((day, i) => {
        const end = window.days[i + 1] ?? window.to;
        const today = day <= now && now < end;
        const { weekday, day: date } = formatDay(day, zone, i18n.language);
        return (
          <div
            key={day}
            className={`${classes.day} ${isWeekend(day, zone) ? classes.weekend : ''} ${today ? classes.today : ''}`}
            style={{ left: `${pct(day, window)}%`, width: `${pct(end, window) - pct(day, window)}%` }}
            aria-hidden={!labels}
          >
            {labels && (
              <span className={classes.dayLabel}>
                {weekday}
                <br />
                {date}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}

/** The red "now" line, when now is inside the window. */
export function NowLine({ window, tag = false }: { window: Window; tag?: boolean }) {
  const { t } = useTranslation('oncall');
  const now = useNow();
  if (now < window.from || now >= window.to) return null;
  return (
    <>
      <div className={classes.now} style={{ left: `${pct(now, window)}%` }} aria-hidden />
      {tag && (
        <div className={classes.nowTag} style={{ left: `${pct(now, window)}%` }} aria-hidden>
          {t('calendar.now')}
        </div>
      )}
    </>
  );
}
