import { describe, expect, it } from 'vitest';
import { apiQuery, parseFilters } from './use-incident-filters';

describe('incident list filters in the URL', () => {
  it('defaults to open incidents of every severity', () => {
    const filters = parseFilters(new URLSearchParams(''));
    expect(filters).toEqual({ status: 'open', severities: [], services: [], mine: false });
    expect(apiQuery(filters)).toEqual({ status: ['open'], severity: [], service: [], assignee: undefined });
  });

  it('reads a shared link, ignoring what it does not know', () => {
    const filters = parseFilters(new URLSearchParams('status=acknowledged&severity=P1,P9,P0&service=checkout,db&assignee=me'));
    expect(filters).toEqual({ status: 'acknowledged', severities: ['P0', 'P1'], services: ['checkout', 'db'], mine: true });
    // "Acknowledged" means every working status, so investigating incidents are not hidden.
    expect(apiQuery(filters).status).toContain('investigating');
    expect(apiQuery(filters).assignee).toBe('me');
    expect(parseFilters(new URLSearchParams('status=bogus')).status).toBe('open');
  });
});
