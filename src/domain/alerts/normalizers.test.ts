import { describe, expect, it } from 'vitest';
import { ValidationError, fingerprintLabels } from '../../kernel/index.js';
import {
  alertmanagerWebhookSchema,
  grafanaLegacySchema,
  grafanaUnifiedSchema,
  pagerDutyEventSchema,
  type GenericMapping,
  type GenericWebhook,
} from '../../contracts/index.js';
import { normalizePrometheusStyle } from './alertmanager-normalizer.js';
import { normalizeGrafanaLegacy } from './grafana-normalizer.js';
import { normalizePagerDuty } from './pagerduty-normalizer.js';
import { normalizeGeneric } from './generic-normalizer.js';
import { parseSenderTime, truncate } from './alert-signal.js';

const RECEIVED = new Date('2026-03-01T10:00:00Z');
const ZERO_TIME = '0001-01-01T00:00:00Z';

describe('parseSenderTime and truncate', () => {
  it.each([
    ['2026-03-01T09:58:00Z', new Date('2026-03-01T09:58:00Z')],
    ['2026-03-01T09:58:00.123+08:00', new Date('2026-03-01T01:58:00.123Z')],
    [ZERO_TIME, null],
    ['0001-01-01T00:00:00.000000000Z', null],
    ['not a time', null],
    ['', null],
    [undefined, null],
    [null, null],
  ])('parseSenderTime(%j) → %s', (text, expected) => {
    expect(parseSenderTime(text)).toEqual(expected);
  });

  it('truncate keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });
});

describe('Alertmanager', () => {
  const webhook = (alerts: unknown[], extra: Record<string, unknown> = {}) =>
    alertmanagerWebhookSchema.parse({ version: '4', status: 'firing', alerts, ...extra });

  it('maps a firing alert: fingerprint, title from summary, description, severity, times', () => {
    const [signal, ...rest] = normalizePrometheusStyle(
      webhook([
        {
          status: 'firing',
          labels: { alertname: 'HostOutOfMemory', instance: 'db-1', severity: 'warning' },
          annotations: { summary: 'Host out of memory (instance db-1)', description: 'Node memory is filling up' },
          startsAt: '2026-03-01T09:55:00Z',
          endsAt: ZERO_TIME,
          generatorURL: 'http://prometheus/graph?g0.expr=up',
          fingerprint: 'a1b2c3d4e5f60718',
        },
      ]),
      'alertmanager',
      RECEIVED,
    );
    expect(rest).toEqual([]);
    expect(signal).toEqual({
      source: 'alertmanager',
      action: 'trigger',
      fingerprint: 'a1b2c3d4e5f60718',
      title: 'HostOutOfMemory: Host out of memory (instance db-1)',
      description: 'Node memory is filling up',
      labels: { alertname: 'HostOutOfMemory', instance: 'db-1', severity: 'warning' },
      annotations: { summary: 'Host out of memory (instance db-1)', description: 'Node memory is filling up' },
      sourceSeverity: 'warning',
      startsAt: new Date('2026-03-01T09:55:00Z'),
      endsAt: null,
      generatorUrl: 'http://prometheus/graph?g0.expr=up',
    });
  });

  it('without a fingerprint, hashes the labels, whatever their order', () => {
    const [a, b] = normalizePrometheusStyle(
      webhook([
        { status: 'firing', labels: { alertname: 'X', instance: 'a', job: 'node' } },
        { status: 'firing', labels: { job: 'node', instance: 'a', alertname: 'X' } },
      ]),
      'alertmanager',
      RECEIVED,
    );
    expect(a!.fingerprint).toBe(fingerprintLabels({ alertname: 'X', instance: 'a', job: 'node' }));
    expect(b!.fingerprint).toBe(a!.fingerprint);
    const [other] = normalizePrometheusStyle(webhook([{ status: 'firing', labels: { alertname: 'X', instance: 'b', job: 'node' } }]), 'alertmanager', RECEIVED);
    expect(other!.fingerprint).not.toBe(a!.fingerprint);
  });

  it('an empty fingerprint string also falls back to the label hash', () => {
    const [signal] = normalizePrometheusStyle(webhook([{ status: 'firing', labels: { alertname: 'X' }, fingerprint: '' }]), 'alertmanager', RECEIVED);
    expect(signal!.fingerprint).toBe(fingerprintLabels({ alertname: 'X' }));
  });

  it("Go's zero time and a missing startsAt mean 'received now'", () => {
    const [zero, missing] = normalizePrometheusStyle(
      webhook([
        { status: 'firing', labels: { alertname: 'A' }, startsAt: ZERO_TIME, endsAt: ZERO_TIME },
        { status: 'firing', labels: { alertname: 'B' } },
      ]),
      'alertmanager',
      RECEIVED,
    );
    expect(zero).toMatchObject({ startsAt: RECEIVED, endsAt: null });
    expect(missing).toMatchObject({ startsAt: RECEIVED, endsAt: null });
  });

  it('a resolved alert resolves, ending at its endsAt, or now when endsAt is the zero time', () => {
    const [withEnd, zeroEnd] = normalizePrometheusStyle(
      webhook(
        [
          { status: 'resolved', labels: { alertname: 'A' }, startsAt: '2026-03-01T09:00:00Z', endsAt: '2026-03-01T09:30:00Z' },
          { status: 'resolved', labels: { alertname: 'B' }, startsAt: '2026-03-01T09:00:00Z', endsAt: ZERO_TIME },
        ],
        { status: 'resolved' },
      ),
      'alertmanager',
      RECEIVED,
    );
    expect(withEnd).toMatchObject({ action: 'resolve', endsAt: new Date('2026-03-01T09:30:00Z') });
    expect(zeroEnd).toMatchObject({ action: 'resolve', endsAt: RECEIVED });
  });

  it('merges commonLabels and commonAnnotations under each alert, the alert winning', () => {
    const [signal] = normalizePrometheusStyle(
      webhook([{ status: 'firing', labels: { alertname: 'X', severity: 'critical' }, annotations: { summary: 'own summary' } }], {
        commonLabels: { cluster: 'prod-1', severity: 'warning' },
        commonAnnotations: { runbook_url: 'http://wiki/x', summary: 'common summary' },
      }),
      'alertmanager',
      RECEIVED,
    );
    expect(signal!.labels).toEqual({ cluster: 'prod-1', severity: 'critical', alertname: 'X' });
    expect(signal!.annotations).toEqual({ runbook_url: 'http://wiki/x', summary: 'own summary' });
    expect(signal!.sourceSeverity).toBe('critical');
    expect(signal!.title).toBe('X: own summary');
  });

  it.each([
    ['no summary: the alert name alone', { alertname: 'DiskFull' }, {}, 'DiskFull', null],
    ['title annotation when there is no summary', { alertname: 'DiskFull' }, { title: 'Disk is full' }, 'DiskFull: Disk is full', null],
    ['no alertname', {}, { summary: 'something' }, 'Alert: something', null],
    ['message as the description', { alertname: 'A' }, { message: 'the message' }, 'A', 'the message'],
  ])('title and description: %s', (_, labels, annotations, title, description) => {
    const [signal] = normalizePrometheusStyle(webhook([{ status: 'firing', labels, annotations }]), 'alertmanager', RECEIVED);
    expect(signal!.title).toBe(title);
    expect(signal!.description).toBe(description);
  });

  it('takes the priority label as the severity word when there is no severity label', () => {
    const [signal] = normalizePrometheusStyle(webhook([{ status: 'firing', labels: { alertname: 'A', priority: 'high' } }]), 'alertmanager', RECEIVED);
    expect(signal!.sourceSeverity).toBe('high');
  });

  it('cuts a very long title to 512 characters', () => {
    const [signal] = normalizePrometheusStyle(
      webhook([{ status: 'firing', labels: { alertname: 'A' }, annotations: { summary: 'x'.repeat(2000) } }]),
      'alertmanager',
      RECEIVED,
    );
    expect(signal!.title).toHaveLength(512);
    expect(signal!.title.endsWith('…')).toBe(true);
  });
});

describe('Grafana unified alerting', () => {
  it('shares the Alertmanager mapping, tagged grafana, and keeps the Grafana URLs as annotations', () => {
    const payload = grafanaUnifiedSchema.parse({
      status: 'firing',
      orgId: 1,
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'HighLatency', grafana_folder: 'checkout' },
          annotations: { summary: 'p99 above 2s' },
          fingerprint: 'f00dfeedf00dfeed',
          dashboardURL: 'http://grafana/d/abc',
          panelURL: 'http://grafana/d/abc?viewPanel=2',
          silenceURL: 'http://grafana/alerting/silence/new',
          valueString: '[ var=A value=2.4 ]',
          startsAt: '2026-03-01T09:59:00Z',
        },
      ],
    });
    const [signal] = normalizePrometheusStyle(payload, 'grafana', RECEIVED);
    expect(signal).toMatchObject({
      source: 'grafana',
      action: 'trigger',
      fingerprint: 'f00dfeedf00dfeed',
      title: 'HighLatency: p99 above 2s',
      annotations: {
        summary: 'p99 above 2s',
        dashboard_url: 'http://grafana/d/abc',
        panel_url: 'http://grafana/d/abc?viewPanel=2',
        silence_url: 'http://grafana/alerting/silence/new',
        value_string: '[ var=A value=2.4 ]',
      },
      startsAt: new Date('2026-03-01T09:59:00Z'),
    });
  });

  it('a resolved Grafana alert resolves', () => {
    const payload = grafanaUnifiedSchema.parse({
      status: 'resolved',
      alerts: [{ status: 'resolved', labels: { alertname: 'HighLatency' }, endsAt: '2026-03-01T09:59:30Z' }],
    });
    expect(normalizePrometheusStyle(payload, 'grafana', RECEIVED)[0]).toMatchObject({ action: 'resolve', endsAt: new Date('2026-03-01T09:59:30Z') });
  });
});

describe('Grafana legacy alerting', () => {
  const legacy = (fields: Record<string, unknown>) =>
    grafanaLegacySchema.parse({ title: '[Alerting] CPU high', ruleId: 7, ruleName: 'CPU high', state: 'alerting', ...fields });

  it('maps an alerting rule: the rule is the alert, tags are labels, eval matches are annotations', () => {
    const [signal, ...rest] = normalizeGrafanaLegacy(
      legacy({
        orgId: 2,
        message: 'CPU above 90%',
        ruleUrl: 'http://grafana/d/x',
        imageUrl: 'http://grafana/render/x.png',
        tags: { severity: 'critical', team: 'web' },
        evalMatches: [{ metric: 'cpu', value: 93.5 }],
      }),
      RECEIVED,
    );
    expect(rest).toEqual([]);
    expect(signal).toMatchObject({
      source: 'grafana',
      action: 'trigger',
      title: '[Alerting] CPU high',
      description: 'CPU above 90%',
      labels: { alertname: 'CPU high', severity: 'critical', team: 'web' },
      annotations: { rule_url: 'http://grafana/d/x', image_url: 'http://grafana/render/x.png', 'value:cpu': '93.5' },
      sourceSeverity: 'critical',
      startsAt: RECEIVED,
      endsAt: null,
      generatorUrl: 'http://grafana/d/x',
    });
  });

  it('ok resolves the same alert that alerting opened', () => {
    const [firing] = normalizeGrafanaLegacy(legacy({}), RECEIVED);
    const [ok] = normalizeGrafanaLegacy(legacy({ title: '[OK] CPU high', state: 'ok' }), RECEIVED);
    expect(ok).toMatchObject({ action: 'resolve', endsAt: RECEIVED, fingerprint: firing!.fingerprint });
  });

  it('the fingerprint depends on org and rule id, not on the title', () => {
    const fp = (fields: Record<string, unknown>) => normalizeGrafanaLegacy(legacy(fields), RECEIVED)[0]!.fingerprint;
    expect(fp({ orgId: 1 })).toBe(fp({}));
    expect(fp({ orgId: 2 })).not.toBe(fp({ orgId: 1 }));
    expect(fp({ ruleId: 8 })).not.toBe(fp({ ruleId: 7 }));
    expect(fp({ title: 'renamed' })).toBe(fp({}));
  });

  it.each(['paused', 'pending'])('%s produces no alert event', (state) => {
    expect(normalizeGrafanaLegacy(legacy({ state }), RECEIVED)).toEqual([]);
  });

  it('no_data triggers, marked with a no_data label', () => {
    const [signal] = normalizeGrafanaLegacy(legacy({ state: 'no_data' }), RECEIVED);
    expect(signal).toMatchObject({ action: 'trigger', labels: { alertname: 'CPU high', no_data: 'true' } });
  });
});

describe('PagerDuty Events v2', () => {
  const event = (fields: Record<string, unknown>) =>
    pagerDutyEventSchema.parse({
      routing_key: 'R0UTINGKEY',
      event_action: 'trigger',
      payload: { summary: 'Disk full on db-1', source: 'db-1', severity: 'error' },
      ...fields,
    });

  it('maps a trigger with its dedup_key, payload fields as labels and custom_details flattened', () => {
    const signal = normalizePagerDuty(
      event({
        dedup_key: 'disk-db-1',
        payload: {
          summary: 'Disk full on db-1',
          source: 'db-1',
          severity: 'critical',
          timestamp: '2026-03-01T09:50:00Z',
          component: 'postgres',
          group: 'prod',
          class: 'disk',
          custom_details: { free: '2%', mounts: ['/', '/data'], nested: { a: 1 }, count: 3 },
        },
        links: [{ href: 'http://runbook/disk', text: 'runbook' }, { href: 'http://graph' }],
        client_url: 'http://monitor/x',
      }),
      RECEIVED,
    );
    expect(signal).toEqual({
      source: 'pagerduty',
      action: 'trigger',
      fingerprint: 'disk-db-1',
      title: 'Disk full on db-1',
      description: null,
      labels: { source: 'db-1', severity: 'critical', component: 'postgres', group: 'prod', class: 'disk' },
      annotations: {
        dedup_key: 'disk-db-1',
        free: '2%',
        mounts: '["/","/data"]',
        nested: '{"a":1}',
        count: '3',
        'link:runbook': 'http://runbook/disk',
        'link:1': 'http://graph',
        client_url: 'http://monitor/x',
      },
      sourceSeverity: 'critical',
      startsAt: new Date('2026-03-01T09:50:00Z'),
      endsAt: null,
      generatorUrl: 'http://monitor/x',
    });
  });

  it('a trigger without dedup_key gets a generated one, different each time, used as the fingerprint', () => {
    const a = normalizePagerDuty(event({}), RECEIVED);
    const b = normalizePagerDuty(event({}), RECEIVED);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(a.annotations.dedup_key).toBe(a.fingerprint);
    expect(b.fingerprint).not.toBe(a.fingerprint);
  });

  it('custom_details that are not an object are kept whole as "details"', () => {
    expect(normalizePagerDuty(event({ payload: { summary: 's', source: 'x', severity: 'info', custom_details: 'free text' } }), RECEIVED).annotations.details).toBe('free text');
    expect(normalizePagerDuty(event({ payload: { summary: 's', source: 'x', severity: 'info', custom_details: 42 } }), RECEIVED).annotations.details).toBe('42');
  });

  it.each(['resolve', 'acknowledge'] as const)('%s without a payload keeps the action and names the dedup_key', (action) => {
    const signal = normalizePagerDuty(event({ event_action: action, dedup_key: 'disk-db-1', payload: undefined }), RECEIVED);
    expect(signal).toMatchObject({
      action,
      fingerprint: 'disk-db-1',
      title: `${action} disk-db-1`,
      labels: {},
      sourceSeverity: null,
      startsAt: RECEIVED,
      endsAt: action === 'resolve' ? RECEIVED : null,
    });
  });
});

describe('generic JSON', () => {
  const normalize = (payload: GenericWebhook, mapping: Partial<GenericMapping> | null = null) => normalizeGeneric(payload, mapping, RECEIVED);

  it('maps the default field names', () => {
    const [signal] = normalize({
      title: 'Queue backlog',
      description: 'orders queue has 10k messages',
      status: 'firing',
      dedup_key: 'orders-backlog',
      severity: 'warning',
      labels: { queue: 'orders', retries: 3 },
      source: 'rabbit-exporter',
    });
    expect(signal).toEqual({
      source: 'generic',
      action: 'trigger',
      fingerprint: 'orders-backlog',
      title: 'Queue backlog',
      description: 'orders queue has 10k messages',
      labels: { queue: 'orders', retries: '3', source: 'rabbit-exporter', severity: 'warning' },
      annotations: { dedup_key: 'orders-backlog' },
      sourceSeverity: 'warning',
      startsAt: RECEIVED,
      endsAt: null,
      generatorUrl: null,
    });
  });

  it('follows dotted mapping paths into nested objects', () => {
    const [signal] = normalize(
      { data: { alert: { name: 'Payment errors', state: 'OK', id: 42, tags: { env: 'prod' }, level: 'high' } } },
      { title: 'data.alert.name', status: 'data.alert.state', dedup_key: 'data.alert.id', labels: 'data.alert.tags', severity: 'data.alert.level' },
    );
    expect(signal).toMatchObject({
      title: 'Payment errors',
      action: 'resolve',
      endsAt: RECEIVED,
      fingerprint: '42',
      labels: { env: 'prod', severity: 'high' },
      sourceSeverity: 'high',
    });
  });

  it.each([
    ['resolved', 'resolve'],
    ['OK', 'resolve'],
    ['Recovered', 'resolve'],
    ['closed', 'resolve'],
    ['firing', 'trigger'],
    ['alerting', 'trigger'],
    [undefined, 'trigger'],
  ])('default resolved_values: status %j → %s', (status, action) => {
    expect(normalize({ title: 't', status })[0]!.action).toBe(action);
  });

  it('custom resolved_values replace the defaults, compared case-insensitively', () => {
    const mapping = { resolved_values: ['Normal', 'cleared'] };
    expect(normalize({ title: 't', status: 'NORMAL' }, mapping)[0]!.action).toBe('resolve');
    expect(normalize({ title: 't', status: 'Cleared' }, mapping)[0]!.action).toBe('resolve');
    expect(normalize({ title: 't', status: 'resolved' }, mapping)[0]!.action).toBe('trigger');
  });

  it('without a dedup_key, the fingerprint is a stable hash of the labels and title', () => {
    const fp = (payload: GenericWebhook) => normalize(payload)[0]!.fingerprint;
    const base = fp({ title: 'Disk full', labels: { host: 'a', mount: '/' } });
    expect(fp({ title: 'Disk full', labels: { mount: '/', host: 'a' } })).toBe(base);
    expect(fp({ title: 'Disk full', labels: { host: 'b', mount: '/' } })).not.toBe(base);
    expect(fp({ title: 'Disk nearly full', labels: { host: 'a', mount: '/' } })).not.toBe(base);
    expect(normalize({ title: 'Disk full' })[0]!.annotations).toEqual({});
  });

  it('a label already in the payload is not overwritten by source or severity', () => {
    const [signal] = normalize({ title: 't', severity: 'critical', source: 'x', labels: { severity: 'low', source: 'y' } });
    expect(signal!.labels).toEqual({ severity: 'low', source: 'y' });
    expect(signal!.sourceSeverity).toBe('critical');
  });

  it('an array maps each event', () => {
    const signals = normalize([{ title: 'a' }, { title: 'b', status: 'resolved' }]);
    expect(signals.map((s) => [s.title, s.action])).toEqual([
      ['a', 'trigger'],
      ['b', 'resolve'],
    ]);
  });

  function validationError(run: () => unknown): ValidationError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return error as ValidationError;
    }
    throw new Error('expected a ValidationError');
  }

  it.each([
    ['missing', { description: 'no title here' }],
    ['empty', { title: '' }],
    ['null', { title: null }],
  ])('a %s title is a 400 naming the field', (_, payload) => {
    const error = validationError(() => normalize(payload));
    expect(error.status).toBe(400);
    expect(error.message).toContain('title');
    expect(error.details).toEqual({ field: 'title' });
  });

  it('a missing title names the mapped path and the array index', () => {
    const error = validationError(() => normalize([{ alert: { name: 'ok' } }, { alert: {} }], { title: 'alert.name' }));
    expect(error.message).toBe('[1].alert.name is required (the alert title)');
    expect(error.details).toEqual({ field: '[1].alert.name' });
  });

  it.each([
    ['a string', 'env=prod'],
    ['an array', ['env=prod']],
    ['null', null],
    ['a number', 3],
  ])('labels that are %s are a 400 naming the field', (_, labels) => {
    const error = validationError(() => normalize({ title: 't', labels }));
    expect(error.message).toBe('labels must be an object of label names to values');
    expect(error.details).toEqual({ field: 'labels' });
  });
});
