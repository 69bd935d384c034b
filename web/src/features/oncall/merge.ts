import type { Segment } from './types';

/** A stretch with the same people from the same kind of source; `layers` lists the rotation layers it spans. */
export interface Stretch extends Segment {
  layers: string[];
}

const samePeople = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));

/**
 * The API splits a person's shift where the supplying layer changes (Alice "around the clock",
 * then Alice "business hours"). For people looking at a calendar that is one shift, so touching
 * segments with the same people and the same kind of source are joined.
 */
export function mergeSegments(segments: Segment[]): Stretch[] {
  const out: Stretch[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && last.end === s.start && samePeople(last.user_ids, s.user_ids) && (last.source === 'override') === (s.source === 'override')) {
      last.end = s.end;
      if (s.layer && !last.layers.includes(s.layer)) last.layers.push(s.layer);
    } else {
      out.push({ ...s, layers: s.layer ? [s.layer] : [] });
    }
  }
  return out;
}
