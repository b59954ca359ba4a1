'use client';
// Usage and cost (docs/engine.md#usage-and-cost) from `usage.report`: cost (or tokens) per UTC day and per agent
// as charts, and a table grouped by agent, task, model or day with every figure.
import type { RouterOutputs } from '@restflow/api';
import { formatUsd } from '@restflow/run-model';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import { Card, Empty, ErrorNote, PageHeader } from '../ui';
import { type Bar, BarChart } from './bar-chart';

type Report = RouterOutputs['usage']['report'];
type Row = Report['rows'][number];
type Grouping = Report['by'];
type Metric = 'cost' | 'tokens';

const DAY_MS = 86_400_000;
const PERIODS = [
  { id: '7d', label: 'Last 7 days', days: 7 },
  { id: '30d', label: 'Last 30 days', days: 30 },
  { id: '90d', label: 'Last 90 days', days: 90 },
  { id: 'all', label: 'All time', days: null },
] as const;
type PeriodId = (typeof PERIODS)[number]['id'];

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Start of the UTC day `days - 1` days before today: a 7-day period is today and the six days before. */
export function periodStart(days: number | null, now = Date.now()): number | undefined {
  if (days === null) return undefined;
  const today = Date.parse(`${utcDay(now)}T00:00:00Z`);
  return today - (days - 1) * DAY_MS;
}

/** One bar per UTC day of the period (days without calls at 0), oldest first. */
export function dayBars(rows: Row[], metric: Metric, since: number | undefined, now = Date.now()): Bar[] {
  const byDay = new Map(rows.map((row) => [row.key ?? '', row]));
  const keys = [...byDay.keys()].filter(Boolean).sort();
  const first = since ?? (keys[0] ? Date.parse(`${keys[0]}T00:00:00Z`) : undefined);
  if (first === undefined) return [];
  const bars: Bar[] = [];
  for (let day = first; day <= now; day += DAY_MS) {
    const key = utcDay(day);
    const row = byDay.get(key);
    bars.push({ key, label: key.slice(5), title: key, value: row ? measureOf(row, metric) : 0 });
  }
  return bars;
}

const measureOf = (row: Pick<Row, 'cost_usd' | 'input_tokens' | 'output_tokens'>, metric: Metric) =>
  metric === 'cost' ? row.cost_usd : row.input_tokens + row.output_tokens;

const formatTokens = (n: number) =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n);

const GROUP_TITLES: Record<Grouping, string> = { agent: 'Agent', task: 'Task', model: 'Model', day: 'Day (UTC)' };

function rowName(row: Row, by: Grouping): string {
  if (row.key === null) return `(no ${by})`;
  return row.label ?? row.key;
}

export function UsageView() {
  const trpc = useTRPC();
  const [period, setPeriod] = useState<PeriodId>('30d');
  const [metric, setMetric] = useState<Metric>('cost');
  const [grouping, setGrouping] = useState<Grouping>('agent');
  const days = PERIODS.find((p) => p.id === period)?.days ?? null;
  // The start moves with the UTC day only, so the query key stays put between renders.
  const since = periodStart(days);
  const input = since === undefined ? {} : { since };
  const perDay = useQuery(trpc.usage.report.queryOptions({ ...input, by: 'day' }));
  const perAgent = useQuery(trpc.usage.report.queryOptions({ ...input, by: 'agent' }));
  const table = useQuery(trpc.usage.report.queryOptions({ ...input, by: grouping }));
  const format = metric === 'cost' ? formatUsd : formatTokens;
  const total = perAgent.data?.total;
  const agentBars: Bar[] = (perAgent.data?.rows ?? [])
    .map((row) => ({ key: row.key ?? '(none)', label: rowName(row, 'agent'), value: measureOf(row, metric) }))
    .sort((a, b) => b.value - a.value);

  return (
    <div className="page" data-testid="usage-view">
      <PageHeader title="Usage">
        <select aria-label="Period" value={period} onChange={(e) => setPeriod(e.target.value as PeriodId)}>
          {PERIODS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <select aria-label="Measure" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
          <option value="cost">Cost (USD)</option>
          <option value="tokens">Tokens (input + output)</option>
        </select>
      </PageHeader>
      <ErrorNote error={perDay.error ?? perAgent.error ?? table.error} />
      {total ? (
        <div className="usage-totals" data-testid="usage-totals">
          <div>
            <span className="muted">Cost</span>
            <strong>{formatUsd(total.cost_usd)}</strong>
          </div>
          <div>
            <span className="muted">Tokens</span>
            <strong>{formatTokens(total.input_tokens + total.output_tokens)}</strong>
          </div>
          <div>
            <span className="muted">Runs</span>
            <strong>{total.runs}</strong>
          </div>
          <div>
            <span className="muted">Provider calls</span>
            <strong>{total.calls}</strong>
          </div>
        </div>
      ) : null}
      <Card title={metric === 'cost' ? 'Cost per day (UTC)' : 'Tokens per day (UTC)'}>
        {perDay.data && perDay.data.rows.length === 0 ? <Empty>No provider calls in this period.</Empty> : null}
        {perDay.data && perDay.data.rows.length > 0 ? (
          <BarChart
            bars={dayBars(perDay.data.rows, metric, since)}
            format={format}
            label={metric === 'cost' ? 'Cost per day' : 'Tokens per day'}
            testId="usage-chart-day"
          />
        ) : null}
      </Card>
      <Card title={metric === 'cost' ? 'Cost per agent' : 'Tokens per agent'}>
        {perAgent.data && agentBars.length === 0 ? <Empty>No provider calls in this period.</Empty> : null}
        {agentBars.length > 0 ? (
          <BarChart
            bars={agentBars}
            format={format}
            label={metric === 'cost' ? 'Cost per agent' : 'Tokens per agent'}
            orientation="horizontal"
            testId="usage-chart-agent"
          />
        ) : null}
      </Card>
      <Card
        title="Details"
        actions={
          <select aria-label="Group by" value={grouping} onChange={(e) => setGrouping(e.target.value as Grouping)}>
            <option value="agent">By agent</option>
            <option value="task">By task</option>
            <option value="model">By model</option>
            <option value="day">By day</option>
          </select>
        }
      >
        {table.data && table.data.rows.length === 0 ? <Empty>Nothing to show.</Empty> : null}
        {table.data && table.data.rows.length > 0 ? (
          <table data-testid="usage-table">
            <thead>
              <tr>
                <th>{GROUP_TITLES[table.data.by]}</th>
                <th className="num">Runs</th>
                <th className="num">Calls</th>
                <th className="num">Input</th>
                <th className="num">Cached</th>
                <th className="num">Output</th>
                <th className="num">Reasoning</th>
                <th className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {table.data.rows.map((row) => (
                <tr key={row.key ?? '(none)'} data-key={row.key ?? ''}>
                  <td>{rowName(row, table.data.by)}</td>
                  <td className="num">{row.runs}</td>
                  <td className="num">{row.calls}</td>
                  <td className="num">{row.input_tokens}</td>
                  <td className="num">{row.cached_tokens}</td>
                  <td className="num">{row.output_tokens}</td>
                  <td className="num">{row.reasoning_tokens}</td>
                  <td className="num">{formatUsd(row.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>Total</th>
                <th className="num">{table.data.total.runs}</th>
                <th className="num">{table.data.total.calls}</th>
                <th className="num">{table.data.total.input_tokens}</th>
                <th className="num">{table.data.total.cached_tokens}</th>
                <th className="num">{table.data.total.output_tokens}</th>
                <th className="num">{table.data.total.reasoning_tokens}</th>
                <th className="num">{formatUsd(table.data.total.cost_usd)}</th>
              </tr>
            </tfoot>
          </table>
        ) : null}
      </Card>
    </div>
  );
}
