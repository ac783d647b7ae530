/** Renders the client-side token checks and the live-check outcome. */
import React from 'react';
import Message from '@splunk/react-ui/Message';
import { feeds } from '../../core/feeds';
import { type TokenCheck } from '../account-model';
import { describeCheckFailure } from '../failure-text';
import { type LiveCheckResult } from '../setup-service';
import { describeAccountStatus, type AccountStatusDoc } from '../status-model';

export function TokenCheckView({
  check,
}: {
  readonly check: TokenCheck;
}): React.JSX.Element | null {
  if (check.state === 'empty') return null;
  if (check.state === 'problem') {
    return (
      <div data-testid="token-problem" data-problem={check.problem}>
        <Message type="error">{check.message}</Message>
      </div>
    );
  }
  const { claims, endpoint } = check;
  return (
    <div data-testid="token-ok">
      <Message type="success">
        The token looks right. It was read on this page only; nothing has been sent yet.
      </Message>
      <dl className="op-setup-facts">
        <dt>Region</dt>
        <dd data-testid="token-region">
          {endpoint.region} ({endpoint.host})
        </dd>
        <dt>Scopes</dt>
        <dd data-testid="token-scopes">
          {claims.features.map((id) => feeds[id].label).join(', ')}
        </dd>
        <dt>Expiry</dt>
        <dd>
          {claims.expiresAt === undefined
            ? 'Never expires'
            : `Expires ${claims.expiresAt.toISOString().slice(0, 10)}`}
        </dd>
        {claims.accountUuid !== undefined && (
          <>
            <dt>Account</dt>
            <dd>{claims.accountUuid}</dd>
          </>
        )}
      </dl>
      {check.notes.map((note) => (
        <Message key={note} type="warning">
          {note}
        </Message>
      ))}
    </div>
  );
}

export function StatusFacts({
  doc,
  now,
}: {
  readonly doc: AccountStatusDoc;
  readonly now: Date;
}): React.JSX.Element {
  const view = describeAccountStatus(doc, now);
  return (
    <dl className="op-setup-facts" data-testid="status-facts">
      <dt>Region</dt>
      <dd data-testid="status-region">{view.region}</dd>
      <dt>Scopes</dt>
      <dd data-testid="status-scopes">{view.scopeText}</dd>
      <dt>Expiry</dt>
      <dd data-testid="status-expiry">{view.expiry}</dd>
      {view.accountUuid !== undefined && (
        <>
          <dt>Account UUID</dt>
          <dd data-testid="status-account-uuid">{view.accountUuid}</dd>
        </>
      )}
      {view.integrationUuid !== undefined && (
        <>
          <dt>Integration UUID</dt>
          <dd>{view.integrationUuid}</dd>
        </>
      )}
      {view.checkedAt !== undefined && (
        <>
          <dt>Checked</dt>
          <dd>{view.checkedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC</dd>
        </>
      )}
    </dl>
  );
}

export function LiveCheckView({
  result,
  now,
}: {
  readonly result: LiveCheckResult;
  readonly now: Date;
}): React.JSX.Element {
  const view = result.status === undefined ? undefined : describeAccountStatus(result.status, now);
  if (result.outcome === 'ok' && result.status !== undefined) {
    return (
      <div data-testid="live-check" data-outcome="ok">
        <Message type="success">
          Connected: 1Password accepted the token (checked by splunkd, not by your browser).
        </Message>
        <StatusFacts doc={result.status} now={now} />
      </div>
    );
  }
  if (result.outcome === 'no_status') {
    return (
      <div data-testid="live-check" data-outcome="no_status">
        <Message type="warning">
          splunkd accepted the check, but the input recorded no result. Make sure the add-on&apos;s
          modular input is installed and enabled on this search head, then check again.
        </Message>
      </div>
    );
  }
  const failure = describeCheckFailure({
    errorClass: result.status?.error_class,
    message: result.validationError ?? view?.errorMessage,
    host: result.status?.host,
  });
  return (
    <div data-testid="live-check" data-outcome="failed">
      <Message type="error">
        <strong>{failure.headline}.</strong> {failure.action}
        {failure.detail !== undefined && (
          <span className="op-setup-detail"> (error code {failure.detail})</span>
        )}
      </Message>
      {result.status?.host ? <StatusFacts doc={result.status} now={now} /> : null}
    </div>
  );
}
