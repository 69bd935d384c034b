import type { Severity } from '../kernel/index.js';

/** How each severity looks in chat, after the Feishu design (seed 003): colour, emoji, label. */
export interface SeverityStyle {
  emoji: string;
  /** A colour name every platform maps to its own palette (Feishu header template, Slack hex…). */
  color: 'red' | 'orange' | 'yellow' | 'blue';
  hex: string;
  label: string;
  labelZh: string;
}

export const SEVERITY_STYLES: Record<Severity, SeverityStyle> = {
  P0: { emoji: '🚨', color: 'red', hex: '#D83931', label: 'Critical', labelZh: '紧急' },
  P1: { emoji: '⚠️', color: 'orange', hex: '#F77234', label: 'High', labelZh: '警告' },
  P2: { emoji: '⚡', color: 'yellow', hex: '#F5C400', label: 'Medium', labelZh: '一般' },
  P3: { emoji: 'ℹ️', color: 'blue', hex: '#3370FF', label: 'Low', labelZh: '信息' },
};
