/**
 * Inputs: one table of the inputs of both kinds (one per account), with how each runs; created,
 * edited and moved between kinds in a dialog.
 */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import Switch from '@splunk/react-ui/Switch';
import Table from '@splunk/react-ui/Table';
import { defaultIndex } from '../../config/input-params';
import { feeds } from '../../core/feeds';
import { inputKey, kindCellText, kindMoveText, type InputKind } from '../input-kind';
import {
  cloneInputForm,
  indexMacroDefinition,
  indexesOfStanza,
  inputFormFromStanza,
  isMove,
  newInputForm,
  type InputForm,
} from '../input-model';
import { canCreateIndex } from '../permissions-model';
import { formatAgo, toDate, type HealthDoc } from '../status-model';
import { type SetupContextValue } from './app';
import { ConfirmDelete } from './confirm-delete';
import { errorText } from './error-text';
import { InputDialog, scopesOf, type InputDialogMode } from './input-dialog';

function IndexHelp({
  context,
  onCreated,
}: {
  readonly context: SetupContextValue;
  readonly onCreated: () => Promise<void>;
}): React.JSX.Element | null {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  if (context.state.indexes.includes(defaultIndex)) return null;
  if (context.server.isCloud) {
    return (
      <div data-testid="index-missing-cloud">
        <Message type="warning">
          The index <code>{defaultIndex}</code> does not exist. On Splunk Cloud, create it in
          Settings &gt; Indexes &gt; New Index (name <code>{defaultIndex}</code>, type Events), then
          press Refresh indexes. Add-ons cannot create indexes on Splunk Cloud.
        </Message>
        <Button
          appearance="secondary"
          label="Refresh indexes"
          onClick={() => void context.refresh()}
        />
      </div>
    );
  }
  if (!canCreateIndex(context.user)) {
    return (
      <Message type="warning">
        The index <code>{defaultIndex}</code> does not exist, and creating one needs the
        indexes_edit capability. Ask a Splunk administrator to create it, or pick an existing index.
      </Message>
    );
  }
  const create = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await context.service.createIndex(defaultIndex);
      await onCreated();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="index-missing-enterprise">
      <Message type="info">
        The dedicated index <code>{defaultIndex}</code> does not exist yet. Keeping 1Password events
        in their own index lets you set their retention and access apart from other data.
      </Message>
      <Button
        appearance="primary"
        label={`Create index ${defaultIndex}`}
        disabled={busy}
        onClick={() => void create()}
        data-testid="create-index"
      />
      {error !== undefined && <Message type="error">{error}</Message>}
    </div>
  );
}

type DialogState =
  { readonly kind: 'closed' } | { readonly kind: InputDialogMode; readonly form: InputForm };

type Notice = {
  readonly type: 'success' | 'error';
  readonly text: string;
  readonly testId: string;
};

/** Newest run end over an account's feeds, for the table's "Last run" column. */
function lastRunByAccount(docs: readonly HealthDoc[], now: Date): Map<string, string> {
  const newest = new Map<string, Date>();
  for (const doc of docs) {
    const account = doc.account ?? doc._key.split('__')[0] ?? '';
    const at = toDate(doc.last_run_end) ?? toDate(doc.last_run_start);
    const seen = newest.get(account);
    if (at !== undefined && (seen === undefined || at > seen)) newest.set(account, at);
  }
  return new Map([...newest].map(([account, at]) => [account, formatAgo(at, now)]));
}

function feedIndexText(form: InputForm): string {
  const overrides = form.feeds
    .filter((feed) => form.feedIndexes[feed] !== '' && form.feedIndexes[feed] !== form.index)
    .map((feed) => `${feeds[feed].label.toLowerCase()}: ${form.feedIndexes[feed]}`);
  return overrides.length === 0 ? form.index : `${form.index} (${overrides.join(', ')})`;
}

export function InputsTab({ context }: { readonly context: SetupContextValue }): React.JSX.Element {
  const [macro, setMacro] = useState<string | undefined>(undefined);
  const [macroError, setMacroError] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<DialogState>({ kind: 'closed' });
  const [deleting, setDeleting] = useState<
    { readonly name: string; readonly kind: InputKind } | undefined
  >(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [toggling, setToggling] = useState<string | undefined>(undefined);
  const [health, setHealth] = useState<HealthDoc[]>([]);
  const returnFocus = useRef<HTMLElement | null>(null);
  const loadMacro = useCallback(() => {
    setMacroError(undefined);
    context.service.indexMacro().then(setMacro, (e: unknown) => setMacroError(errorText(e)));
  }, [context.service]);
  useEffect(loadMacro, [loadMacro]);
  useEffect(() => {
    // Only for the "Last run" column: a failure here leaves it empty, the Health tab says why.
    context.service.listHealth().then(setHealth, () => setHealth([]));
  }, [context.service, context.state]);

  const forms = context.state.inputs.map((i) => inputFormFromStanza(i.name, i.content, i.kind));
  const now = new Date();
  const lastRuns = lastRunByAccount(health, now);

  /** Keeps the dashboards' `onepassword_index` macro pointing at every index an input writes to. */
  const syncMacro = async (
    changed: InputForm | undefined,
    removed?: { readonly name: string; readonly kind: InputKind },
  ): Promise<void> => {
    // A changed input replaces its stanza of either kind (a move deleted the other one).
    const others = context.state.inputs
      .filter(
        (i) =>
          i.name !== changed?.name && (removed === undefined || inputKey(i) !== inputKey(removed)),
      )
      .flatMap((i) => indexesOfStanza(i.content));
    const mine =
      changed === undefined
        ? []
        : [changed.index, ...changed.feeds.map((f) => changed.feedIndexes[f])];
    const definition = indexMacroDefinition([...others, ...mine].filter((i) => i !== ''));
    if (definition !== macro) {
      await context.service.setIndexMacro(definition);
      setMacro(definition);
    }
  };

  const onSaved = async (form: InputForm): Promise<void> => {
    await syncMacro(form);
    setDialog({ kind: 'closed' });
    setNotice({
      type: 'success',
      testId: `input-saved-${form.name}`,
      text: isMove(form)
        ? `Input ${form.name} moved to ${kindMoveText[form.kind]}, with its checkpoints: it resumes where it stopped.`
        : `Input ${form.name} saved. splunkd checked the settings with the input before accepting them.`,
    });
    await context.afterSave();
  };

  /** A move that left the old stanza behind: both rows show, and the notice says which to delete. */
  const onPartlySaved = async (message: string): Promise<void> => {
    setDialog({ kind: 'closed' });
    setNotice({ type: 'error', testId: 'inputs-error', text: message });
    await context.refresh();
  };

  const toggle = async (form: InputForm): Promise<void> => {
    setToggling(inputKey(form));
    setNotice(undefined);
    try {
      await context.service.setInputEnabled(form.name, !form.enabled, form.kind);
      await context.refresh();
    } catch (error) {
      setNotice({ type: 'error', testId: 'inputs-error', text: errorText(error) });
    } finally {
      setToggling(undefined);
    }
  };

  const confirmDelete = async (): Promise<void> => {
    if (deleting === undefined) return;
    const { name, kind } = deleting;
    try {
      await context.service.deleteInput(name, kind);
      await syncMacro(undefined, deleting);
      setDeleting(undefined);
      setNotice({
        type: 'success',
        testId: `input-deleted-${name}`,
        text: `Input ${name} deleted. Its saved position stays, so re-creating it resumes where it stopped.`,
      });
      await context.refresh();
    } catch (error) {
      setDeleting(undefined);
      setNotice({ type: 'error', testId: 'inputs-error', text: errorText(error) });
    }
  };

  if (context.state.accounts.length === 0) {
    return <P data-testid="inputs-no-accounts">Add an account on the Accounts tab first.</P>;
  }
  const withoutInput = context.state.accounts.find((a) => !forms.some((f) => f.account === a.name));
  return (
    <div data-testid="inputs-tab">
      <IndexHelp context={context} onCreated={context.refresh} />
      <div className="op-setup-toolbar">
        <Button
          appearance="primary"
          label="Create input"
          onClick={() => {
            setNotice(undefined);
            setDialog({
              kind: 'create',
              form: newInputForm(
                withoutInput?.name ?? '',
                withoutInput === undefined ? undefined : scopesOf(context, withoutInput.name),
              ),
            });
          }}
          data-testid="create-input"
        />
      </div>
      {notice !== undefined && (
        <div data-testid={notice.testId}>
          <Message type={notice.type} onRequestRemove={() => setNotice(undefined)}>
            {notice.text}
          </Message>
        </div>
      )}
      {forms.length === 0 ? (
        <P data-testid="inputs-empty">
          No input yet. Create one per account to start collecting its events.
        </P>
      ) : (
        <div className="op-setup-table-wrap">
          <Table stripeRows data-testid="inputs-table" className="op-setup-table">
            <Table.Head>
              <Table.HeadCell>Name</Table.HeadCell>
              <Table.HeadCell>Account</Table.HeadCell>
              <Table.HeadCell>Feeds</Table.HeadCell>
              <Table.HeadCell>Index</Table.HeadCell>
              <Table.HeadCell>Interval</Table.HeadCell>
              <Table.HeadCell>Process</Table.HeadCell>
              <Table.HeadCell>Status</Table.HeadCell>
              <Table.HeadCell>Last run</Table.HeadCell>
              <Table.HeadCell>Actions</Table.HeadCell>
            </Table.Head>
            <Table.Body>
              {forms.map((form) => (
                <Table.Row key={inputKey(form)} data-testid={`input-row-${form.name}`}>
                  <Table.Cell>{form.name}</Table.Cell>
                  <Table.Cell>{form.account}</Table.Cell>
                  <Table.Cell>{form.feeds.map((f) => feeds[f].label).join(', ')}</Table.Cell>
                  <Table.Cell data-testid="input-row-index">{feedIndexText(form)}</Table.Cell>
                  <Table.Cell>{form.interval} s</Table.Cell>
                  <Table.Cell data-testid="input-row-kind" data-kind={form.kind}>
                    {kindCellText[form.kind]}
                  </Table.Cell>
                  <Table.Cell>
                    <Switch
                      appearance="toggle"
                      selected={form.enabled}
                      disabled={toggling === inputKey(form)}
                      onClick={() => void toggle(form)}
                      data-testid={`input-toggle-${form.name}`}
                    >
                      {form.enabled ? 'Enabled' : 'Disabled'}
                    </Switch>
                  </Table.Cell>
                  <Table.Cell>{lastRuns.get(form.account) ?? 'never'}</Table.Cell>
                  <Table.Cell>
                    <div className="op-setup-actions">
                      <Button
                        inline
                        appearance="secondary"
                        label="Edit"
                        onClick={() => setDialog({ kind: 'edit', form })}
                        data-testid={`input-edit-${form.name}`}
                      />
                      <Button
                        inline
                        appearance="secondary"
                        label="Clone"
                        onClick={() =>
                          setDialog({
                            kind: 'clone',
                            form: cloneInputForm(
                              form,
                              forms.map((f) => f.name),
                            ),
                          })
                        }
                        data-testid={`input-clone-${form.name}`}
                      />
                      <Button
                        inline
                        appearance="destructiveSecondary"
                        label="Delete"
                        onClick={() => setDeleting({ name: form.name, kind: form.kind })}
                        data-testid={`input-delete-${form.name}`}
                      />
                    </div>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </div>
      )}
      <P data-testid="index-macro">
        Dashboards search the macro <code>onepassword_index</code>
        {macro !== undefined && macro !== '' ? (
          <>
            , now <code>{macro}</code>
          </>
        ) : null}
        . It follows the indexes chosen here.
      </P>
      {macroError !== undefined && (
        <div data-testid="macro-error">
          <Message type="warning">The index macro could not be read. {macroError}</Message>
          <Button appearance="secondary" label="Retry" onClick={loadMacro} />
        </div>
      )}
      {dialog.kind !== 'closed' && (
        <InputDialog
          context={context}
          mode={dialog.kind}
          initial={dialog.form}
          onSaved={onSaved}
          onPartlySaved={onPartlySaved}
          onClose={() => setDialog({ kind: 'closed' })}
        />
      )}
      {deleting !== undefined && (
        <ConfirmDelete
          title={`Delete input ${deleting.name}?`}
          explanation="The input stops collecting. Events already indexed stay in Splunk, and so does its saved position (checkpoint): re-creating it resumes where it stopped."
          returnFocus={returnFocus}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => void confirmDelete()}
          dialogTestId="input-delete-dialog"
          confirmTestId="input-confirm-delete"
        />
      )}
    </div>
  );
}
