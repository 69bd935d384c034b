import {
  IconAlertTriangle,
  IconArrowBigUpLines,
  IconBellRinging,
  IconCircleDot,
  IconDoor,
  IconFlame,
  IconGavel,
  IconLink,
  IconListCheck,
  IconMessage,
  IconNote,
  IconUserCheck,
  IconUserStar,
  type Icon,
} from '@tabler/icons-react';

/** The families of timeline events, for icons, colours and the filter. */
export type KindGroup = 'alert' | 'page' | 'escalation' | 'chat' | 'decision' | 'status' | 'role' | 'room' | 'action' | 'severity' | 'note' | 'assign' | 'related' | 'other';

export function kindGroup(kind: string): KindGroup {
  const head = kind.split('.')[0] ?? kind;
  if (head === 'alert' || head === 'page' || head === 'escalation' || head === 'chat' || head === 'decision' || head === 'status' || head === 'role' || head === 'room' || head === 'severity' || head === 'related') return head;
  if (head === 'incident') return 'status';
  if (head === 'action_item') return 'action';
  if (head === 'note') return 'note';
  if (head === 'assigned' || head === 'assign' || head === 'assignee') return 'assign';
  return 'other';
}

export const KIND_STYLE: Record<KindGroup, { icon: Icon; color: string }> = {
  alert: { icon: IconAlertTriangle, color: 'red' },
  page: { icon: IconBellRinging, color: 'orange' },
  escalation: { icon: IconArrowBigUpLines, color: 'pink' },
  chat: { icon: IconMessage, color: 'gray' },
  decision: { icon: IconGavel, color: 'violet' },
  status: { icon: IconCircleDot, color: 'blue' },
  role: { icon: IconUserStar, color: 'teal' },
  room: { icon: IconDoor, color: 'cyan' },
  action: { icon: IconListCheck, color: 'lime' },
  severity: { icon: IconFlame, color: 'orange' },
  note: { icon: IconNote, color: 'yellow' },
  assign: { icon: IconUserCheck, color: 'teal' },
  related: { icon: IconLink, color: 'indigo' },
  other: { icon: IconCircleDot, color: 'gray' },
};

/** The filter's choices: which groups each shows. */
export const TIMELINE_FILTERS: Record<string, KindGroup[] | null> = {
  all: null,
  changes: ['status', 'severity', 'role', 'assign', 'decision', 'action', 'note', 'escalation'],
  alerts: ['alert'],
  pages: ['page', 'escalation'],
  chat: ['chat', 'room'],
};
