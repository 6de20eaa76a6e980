// How a note is named and dated in lists: pure, shared by the list, the Trash and Conflicts.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** Today: the time; this year: the day; older: the date with its year. */
export function formatChangedAt(ms: number, now: Date = new Date()): string {
  const when = new Date(ms);
  if (when.toDateString() === now.toDateString()) return timeFormat.format(when);
  if (when.getFullYear() === now.getFullYear()) return dayFormat.format(when);
  return fullDateFormat.format(when);
}

export function displayTitle(title: string): string {
  return title.trim() || 'Untitled';
}
