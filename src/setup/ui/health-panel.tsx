/** Health: per input and feed, the last run, last event and lag, volume, and the last error (KV onepassword_health). */
import React, { useCallback, useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import Table from '@splunk/react-ui/Table';
import { type Entry } from '../splunkd-rest';
import { healthRows, type HealthRow } from '../status-model';
import { type SetupContextValue } from './app';
import { errorText } from './error-text';

/** Seconds between runs of each enabled input, by account: only those are expected to run. */
function enabledIntervals(inputs: readonly Entry[]): Map<string, number> {
  const on = (value: unknown): boolean =>
    value === true || value === 1 || value === '1' || value === 'true';
  return new Map(
    inputs
      .filter((i) => !on(i.content['disabled']))
      .map((i) => [String(i.content['account'] ?? i.name), Number(i.content['interval'] ?? 60)]),
  );
}

/** Refresh every 30 s while the panel is open: runs are at most once per interval anyway. */
const refreshMs = 30_000;

export function HealthPanel({
  context,
}: {
  readonly context: SetupContextValue;
}): React.JSX.Element {
  const [rows, setRows] = useState<HealthRow[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const inputs = context.state.inputs;
  const load = useCallback(async () => {
    try {
      setRows(healthRows(await context.service.listHealth(), new Date(), enabledIntervals(inputs)));
      setError(undefined);
    } catch (e) {
      setError(errorText(e));
    }
  }, [context.service, inputs]);
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), refreshMs);
    return () => window.clearInterval(timer);
  }, [load]);

  const configured = new Set(context.state.accounts.map((a) => a.name));
  return (
    <div data-testid="health-panel">
      <P>
        Written by the input after every run. Lag is the time between the newest collected event and
        the end of the run; item usages can legitimately arrive up to a day late.
      </P>
      <Button
        appearance="secondary"
        label="Refresh"
        onClick={() => void load()}
        data-testid="health-refresh"
      />
      {error !== undefined && (
        <Message type="error">The health data could not be read: {error}</Message>
      )}
      {rows !== undefined && rows.length === 0 && (
        <P data-testid="health-empty">
          No run recorded yet. Enable an input on the Inputs tab; its first run appears here.
        </P>
      )}
      {rows !== undefined && rows.length > 0 && (
        <Table stripeRows data-testid="health-table">
          <Table.Head>
            <Table.HeadCell>Account</Table.HeadCell>
            <Table.HeadCell>Feed</Table.HeadCell>
            <Table.HeadCell>Status</Table.HeadCell>
            <Table.HeadCell>Last run</Table.HeadCell>
            <Table.HeadCell>Last success</Table.HeadCell>
            <Table.HeadCell>Last event</Table.HeadCell>
            <Table.HeadCell>Lag</Table.HeadCell>
            <Table.HeadCell>Events (last run)</Table.HeadCell>
            <Table.HeadCell>Events (24 h)</Table.HeadCell>
            <Table.HeadCell>Last error</Table.HeadCell>
          </Table.Head>
          <Table.Body>
            {rows.map((row) => (
              <Table.Row key={row.key} data-testid={`health-row-${row.key}`}>
                <Table.Cell>
                  {row.account}
                  {configured.has(row.account) ? '' : ' (account removed)'}
                </Table.Cell>
                <Table.Cell>{row.feedLabel}</Table.Cell>
                <Table.Cell>
                  <span
                    className={`op-setup-badge op-setup-badge-${row.tone}`}
                    data-tone={row.tone}
                  >
                    {row.status}
                  </span>
                </Table.Cell>
                <Table.Cell>{row.lastRun}</Table.Cell>
                <Table.Cell>{row.lastSuccess}</Table.Cell>
                <Table.Cell>{row.lastEvent}</Table.Cell>
                <Table.Cell>{row.lag}</Table.Cell>
                <Table.Cell>{row.eventsLastRun}</Table.Cell>
                <Table.Cell>{row.events24h}</Table.Cell>
                <Table.Cell>{row.lastError ?? '—'}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </div>
  );
}
