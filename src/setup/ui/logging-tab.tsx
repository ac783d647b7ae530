/** The global log level ([logging] in onepassword_settings.conf); inputs may override it. */
import React, { useState } from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import Select from '@splunk/react-ui/Select';
import { globalLogLevelDefault, logLevels, type LogLevel } from '../input-model';
import { type SetupContextValue } from './app';
import { errorText } from './error-text';

export function LoggingTab({
  context,
}: {
  readonly context: SetupContextValue;
}): React.JSX.Element {
  const stored = String(context.state.settings.get('logging')?.['log_level'] ?? '').toUpperCase();
  const initial = (logLevels as readonly string[]).includes(stored)
    ? (stored as LogLevel)
    : globalLogLevelDefault;
  const [level, setLevel] = useState<LogLevel>(initial);
  const [status, setStatus] = useState<
    { kind: 'saved' } | { kind: 'error'; message: string } | undefined
  >(undefined);
  const save = async (): Promise<void> => {
    try {
      await context.service.saveLogLevel(level);
      await context.afterSave();
      setStatus({ kind: 'saved' });
    } catch (error) {
      setStatus({ kind: 'error', message: errorText(error) });
    }
  };
  return (
    <div data-testid="logging-tab">
      <P>
        The input logs to splunkd.log through stderr (search index=_internal onepassword_events).
        Each line starts with its level and never contains a token. Inputs can override this level
        on the Inputs tab.
      </P>
      <ControlGroup label="Log level">
        <Select
          value={level}
          onChange={(_e, { value }) => {
            setLevel(String(value) as LogLevel);
            setStatus(undefined);
          }}
          data-testid="global-log-level"
        >
          {logLevels.map((l) => (
            <Select.Option key={l} label={l} value={l} />
          ))}
        </Select>
      </ControlGroup>
      <Button
        appearance="primary"
        label="Save"
        onClick={() => void save()}
        data-testid="save-logging"
      />
      {status?.kind === 'saved' && <Message type="success">Saved.</Message>}
      {status?.kind === 'error' && <Message type="error">{status.message}</Message>}
    </div>
  );
}
