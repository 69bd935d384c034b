export * from './schedule-types.js';
export { whoIsOnCall } from './on-call-calculator.js';
export { onCallSegments, coverageGaps, shiftsOf } from './on-call-timeline.js';
export { scheduleCalendar, userCalendar, type CalendarOptions } from './ical-feed.js';
export { validateSchedule } from './compiled-schedule.js';
export * from './schedule-store.js';
