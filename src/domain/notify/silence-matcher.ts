/**
 * Silences and maintenance windows match incidents by label-style matchers, Alertmanager style:
 * `=`, `!=`, `=~` (regex, anchored) and `!~`. Special names: `service`, `severity`, `category`;
 * anything else is an alert label on the incident.
 */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface SilenceSubject {
  service: string | null;
  severity: string;
  category: string;
  labels: Record<string, string>;
}

function valueOf(subject: SilenceSubject, name: string): string {
  if (name === 'service') return subject.service ?? '';
  if (name === 'severity') return subject.severity;
  if (name === 'category') return subject.category;
  return subject.labels[name] ?? '';
}

export function matcherMatches(matcher: Matcher, subject: SilenceSubject): boolean {
  const actual = valueOf(subject, matcher.name);
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(actual);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(actual);
  }
}

/** Every matcher must match; an empty list would silence everything, so it never matches. */
export const silenceMatches = (matchers: Matcher[], subject: SilenceSubject): boolean =>
  matchers.length > 0 && matchers.every((m) => matcherMatches(m, subject));

/** Parses `service=checkout`, `severity=~P[23]`, `cluster!=dev`. */
export function parseMatcher(text: string): Matcher {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a matcher (use name=value, name!=value, name=~regex or name!~regex)`);
  const [, name, op, value] = match as unknown as [string, string, Matcher['op'], string];
  if (op === '=~' || op === '!~') {
    try {
      new RegExp(value);
    } catch {
      throw new Error(`"${value}" is not a valid regular expression`);
    }
  }
  return { name, op, value };
}
