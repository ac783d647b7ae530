/** Accounts: list, add, edit, delete, and "Check connection" through splunkd. */
import React, { useRef, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import Table from '@splunk/react-ui/Table';
import { isOfficialHost, regionLabels } from '../../events-api/token';
import { createIntegrationUrl } from '../integration-link';
import { describeAccountStatus, formatUtc } from '../status-model';
import { type AccountEntry, type LiveCheckResult } from '../setup-service';
import { AccountDialog, inputFeedsOf, maskedToken } from './account-dialog';
import { type SetupContextValue } from './app';
import { LiveCheckView } from './check-views';
import { ConfirmDelete } from './confirm-delete';
import { errorText } from './error-text';

type DialogState =
  | { readonly kind: 'closed' }
  | { readonly kind: 'add' }
  | { readonly kind: 'edit'; readonly account: AccountEntry };

export function AccountsTab({
  context,
}: {
  readonly context: SetupContextValue;
}): React.JSX.Element {
  const [dialog, setDialog] = useState<DialogState>({ kind: 'closed' });
  const [checks, setChecks] = useState<
    Record<string, LiveCheckResult | 'running' | { error: string }>
  >({});
  const [deleting, setDeleting] = useState<AccountEntry | undefined>(undefined);
  const [deleteError, setDeleteError] = useState<string | undefined>(undefined);
  const returnFocus = useRef<HTMLElement | null>(null);
  const now = new Date();
  const { accounts, statuses } = context.state;
  const expiring = accounts.flatMap((account) => {
    const doc = statuses.get(account.name);
    const view = doc === undefined ? undefined : describeAccountStatus(doc, now);
    return view !== undefined && (view.expired || view.expiresInDays !== undefined)
      ? [{ name: account.name, view }]
      : [];
  });

  const check = async (name: string): Promise<void> => {
    setChecks((c) => ({ ...c, [name]: 'running' }));
    try {
      const result = await context.service.liveCheck(name, inputFeedsOf(context, name));
      setChecks((c) => ({ ...c, [name]: result }));
      await context.refresh();
    } catch (error) {
      setChecks((c) => ({ ...c, [name]: { error: errorText(error) } }));
    }
  };

  const confirmDelete = async (): Promise<void> => {
    if (deleting === undefined) return;
    setDeleteError(undefined);
    try {
      await context.service.deleteAccount(deleting.name);
      setDeleting(undefined);
      setChecks((c) => {
        const next = { ...c };
        delete next[deleting.name];
        return next;
      });
      await context.refresh();
    } catch (error) {
      setDeleteError(errorText(error));
    }
  };

  return (
    <div data-testid="accounts-tab">
      <div className="op-setup-toolbar">
        <Button
          appearance="primary"
          label="Add account"
          onClick={() => setDialog({ kind: 'add' })}
          data-testid="add-account"
        />
        <Button
          appearance="secondary"
          label="Create a token in 1Password"
          to={createIntegrationUrl(context.server.serverName)}
          openInNewContext
        />
      </div>
      {expiring.length > 0 && (
        <div data-testid="expiry-banner">
          <Message type={expiring.some((e) => e.view.expired) ? 'error' : 'warning'}>
            {expiring
              .map(({ name, view }) =>
                view.expired
                  ? `The token of ${name} has expired (${view.expiry.replace('Expired ', '')}).`
                  : `The token of ${name} expires in ${view.expiresInDays ?? 0} day${view.expiresInDays === 1 ? '' : 's'} (${view.expiry.replace('Expires ', '')}).`,
              )
              .join(' ')}{' '}
            Create a new Events API token in 1Password and paste it with Edit before then; the input
            stops collecting when the token expires.
          </Message>
        </div>
      )}
      {accounts.length === 0 ? (
        <P data-testid="no-accounts">
          No account yet. Add one with its Events API token to start collecting.
        </P>
      ) : (
        <div className="op-setup-table-wrap">
          <Table stripeRows data-testid="accounts-table" className="op-setup-table">
            <Table.Head>
              <Table.HeadCell>Account</Table.HeadCell>
              <Table.HeadCell>Region</Table.HeadCell>
              <Table.HeadCell>Token</Table.HeadCell>
              <Table.HeadCell>Scopes</Table.HeadCell>
              <Table.HeadCell>Expiry</Table.HeadCell>
              <Table.HeadCell>Last check</Table.HeadCell>
              <Table.HeadCell>Actions</Table.HeadCell>
            </Table.Head>
            <Table.Body>
              {accounts.map((account) => {
                const doc = statuses.get(account.name);
                const view = doc === undefined ? undefined : describeAccountStatus(doc, now);
                const override = isOfficialHost(account.regionHost)
                  ? regionLabels[account.regionHost]
                  : undefined;
                return (
                  <Table.Row key={account.name} data-testid={`account-row-${account.name}`}>
                    <Table.Cell>{account.name}</Table.Cell>
                    <Table.Cell data-testid="row-region">
                      {override !== undefined
                        ? `${override} (override)`
                        : (view?.region ?? 'Not checked yet')}
                    </Table.Cell>
                    <Table.Cell>
                      <span data-testid="masked-token" className="op-setup-nowrap">
                        {maskedToken}
                      </span>
                    </Table.Cell>
                    <Table.Cell data-testid="row-scopes">
                      {view?.scopeText ?? 'Not checked yet'}
                    </Table.Cell>
                    <Table.Cell data-testid="row-expiry">
                      <div className="op-setup-cell">
                        <div className="op-setup-nowrap">{view?.expiry ?? '—'}</div>
                        {view?.expired === true && (
                          <span className="op-setup-badge op-setup-badge-error">expired</span>
                        )}
                        {view?.expiresInDays !== undefined && (
                          <span
                            className="op-setup-badge op-setup-badge-late"
                            data-testid="expiry-badge"
                          >
                            {view.expiresInDays} days left
                          </span>
                        )}
                      </div>
                    </Table.Cell>
                    <Table.Cell data-testid="last-check" data-tone={view?.checkTone ?? 'never'}>
                      {view === undefined ? (
                        'Never'
                      ) : (
                        <div className="op-setup-cell">
                          <div className={`op-setup-text-${view.checkTone}`}>
                            {view.ok ? '✓ OK' : `✗ ${view.errorHeadline ?? 'Failed'}`}
                          </div>
                          <div className="op-setup-detail op-setup-nowrap">{view.checkedText}</div>
                          {view.factsAsOf !== undefined && (
                            <div className="op-setup-detail" data-testid="facts-as-of">
                              Facts as of {formatUtc(view.factsAsOf)}
                            </div>
                          )}
                        </div>
                      )}
                    </Table.Cell>
                    <Table.Cell>
                      <div className="op-setup-actions">
                        <Button
                          inline
                          appearance="secondary"
                          label="Edit"
                          onClick={() => setDialog({ kind: 'edit', account })}
                          data-testid={`edit-${account.name}`}
                        />
                        <Button
                          inline
                          appearance="secondary"
                          label="Check"
                          disabled={checks[account.name] === 'running'}
                          onClick={() => void check(account.name)}
                          data-testid={`check-${account.name}`}
                        />
                        <Button
                          inline
                          appearance="destructiveSecondary"
                          label="Delete"
                          onClick={() => setDeleting(account)}
                          data-testid={`delete-${account.name}`}
                        />
                      </div>
                    </Table.Cell>
                  </Table.Row>
                );
              })}
            </Table.Body>
          </Table>
        </div>
      )}
      {Object.entries(checks).map(([name, state]) => (
        <div key={name} data-testid={`check-result-${name}`}>
          <P>
            <strong>Connection check for {name}</strong>
          </P>
          {state === 'running' ? (
            <Message type="info">Checking through splunkd…</Message>
          ) : 'error' in state ? (
            <>
              <Message type="error">{state.error}</Message>
              <Button appearance="secondary" label="Retry" onClick={() => void check(name)} />
            </>
          ) : (
            <LiveCheckView result={state} now={now} />
          )}
        </div>
      ))}
      {dialog.kind !== 'closed' && (
        <AccountDialog
          context={context}
          account={dialog.kind === 'edit' ? dialog.account : undefined}
          onClose={() => setDialog({ kind: 'closed' })}
        />
      )}
      {deleting !== undefined && (
        <ConfirmDelete
          title={`Delete account ${deleting.name}?`}
          explanation="This removes the account's token from storage/passwords, its settings and its input. Events already indexed stay in Splunk. The input's saved position (checkpoint) stays in the KV store, so an account re-added under the same name resumes where it stopped."
          error={deleteError}
          returnFocus={returnFocus}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => void confirmDelete()}
          dialogTestId="delete-dialog"
          confirmTestId="confirm-delete"
        />
      )}
    </div>
  );
}
