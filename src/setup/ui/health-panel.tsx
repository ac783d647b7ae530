/** Health: one row per account and feed, read from the input's KV documents (onepassword_health). */
import { isSplunkTrue } from '../../core/contracts';
import React, { useCallback, useEffect, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Link from '@splunk/react-ui/Link';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import Table from '@splunk/react-ui/Table';
import { type Entry } from '../splunkd-rest';
import { healthRows, type HealthRow } from '../status-model';
import { type SetupContextValue } from './app';
import { errorText } from './error-text';

/** Seconds between runs of each enabled input, by account: only those are expected to run. */
function enabledIntervals(inputs: readonly Entry[]): Map<string, number> {
  return new Map(
    inputs
      .filter((i) => !isSplunkTrue(i.content['disabled']))
      .map((i) => [String(i.content['account'] ?? i.name), Number(i.content['interval'] ?? 60)]),
  );
}

/** Refresh every 30 s while the tab is open: runs are at most once per interval anyway. */
const refreshMs = 30_000;

/** The input's own log lines (splunkd.log, ExecProcessor), in the app's search view. */
export const inputLogSearch =
  'index=_internal sourcetype=splunkd component=ExecProcessor "onepassword_events" | table _time log_level event_message';

export function HealthPanel({
  context,
}: {
  readonly context: SetupContextValue;
}): React.JSX.Element {
  const [rows, setRows] = useState<HealthRow[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loadedAt, setLoadedAt] = useState<Date | undefined>(undefined);
  const { inputs, statuses } = context.state;
  const load = useCallback(async () => {
    try {
      const now = new Date();
      setRows(
        healthRows(await context.service.listHealth(), now, enabledIntervals(inputs), statuses),
      );
      setLoadedAt(now);
      setError(undefined);
    } catch (e) {
      setError(errorText(e));
    }
  }, [context.service, inputs, statuses]);
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), refreshMs);
    return () => window.clearInterval(timer);
  }, [load]);

  const configured = new Set(context.state.accounts.map((a) => a.name));
  return (
    <div data-testid="health-panel">
      <P>
        Written by the input after every run, refreshed here every 30 seconds
        {loadedAt !== undefined ? ` (last ${loadedAt.toLocaleTimeString('en-GB')})` : ''}.{' '}
        <strong>Quiet</strong> means collection works and 1Password had nothing new;{' '}
        <strong>Late</strong> means runs are missing or keep failing.
      </P>
      <div className="op-setup-toolbar">
        <Button
          appearance="secondary"
          label="Refresh now"
          onClick={() => void load()}
          data-testid="health-refresh"
        />
        <Link to="onepassword_health" data-testid="health-dashboard-link">
          Health dashboard
        </Link>
        <Link
          to={`search?q=${encodeURIComponent(`search ${inputLogSearch}`)}&earliest=-24h&latest=now`}
          openInNewContext
          data-testid="health-log-link"
        >
          The input&apos;s log lines (last 24 h)
        </Link>
      </div>
      {error !== undefined && (
        <div data-testid="health-error">
          <Message type="error">The health data could not be read. {error}</Message>
          <Button appearance="secondary" label="Retry" onClick={() => void load()} />
        </div>
      )}
      {rows !== undefined && rows.length === 0 && (
        <P data-testid="health-empty">
          No run recorded yet. Enable an input on the Inputs tab; its first run appears here.
        </P>
      )}
      {rows !== undefined && rows.length > 0 && (
        <div className="op-setup-table-wrap">
          <Table stripeRows data-testid="health-table" className="op-setup-table">
            <Table.Head>
              <Table.HeadCell>Account</Table.HeadCell>
              <Table.HeadCell>Feed</Table.HeadCell>
              <Table.HeadCell>Status</Table.HeadCell>
              <Table.HeadCell>Why</Table.HeadCell>
              <Table.HeadCell>Last run</Table.HeadCell>
              <Table.HeadCell>Last event</Table.HeadCell>
              <Table.HeadCell>Events 24 h</Table.HeadCell>
              <Table.HeadCell>Token expiry</Table.HeadCell>
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
                      className={`op-setup-badge op-setup-badge-${row.state}`}
                      data-state={row.state}
                      data-testid="health-status"
                    >
                      {row.status}
                    </span>
                  </Table.Cell>
                  <Table.Cell data-testid="health-detail">
                    <div className="op-setup-why">{row.statusDetail}</div>
                  </Table.Cell>
                  <Table.Cell>{row.lastRun}</Table.Cell>
                  <Table.Cell>{row.lastEvent}</Table.Cell>
                  <Table.Cell>{row.events24h}</Table.Cell>
                  <Table.Cell>
                    <span className={row.tokenExpiresSoon ? 'op-setup-text-warning' : undefined}>
                      {row.tokenExpiry}
                    </span>
                  </Table.Cell>
                  <Table.Cell>{row.lastError ?? '—'}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </div>
      )}
    </div>
  );
}
