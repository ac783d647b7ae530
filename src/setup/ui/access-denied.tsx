/** Shown instead of the form to users without the admin role; splunkd would refuse their writes anyway. */
import React from 'react';
import Heading from '@splunk/react-ui/Heading';
import Message from '@splunk/react-ui/Message';
import P from '@splunk/react-ui/Paragraph';
import { type UserContext } from '../permissions-model';

export function AccessDenied({
  user,
  missing,
}: {
  readonly user: UserContext;
  readonly missing: readonly string[];
}): React.JSX.Element {
  return (
    <div data-testid="access-denied">
      <Heading level={1}>You need the admin role to configure 1Password Events Reporting</Heading>
      <Message type="warning">
        Only Splunk administrators can see or change this add-on&apos;s accounts, tokens and inputs.
      </Message>
      <P>
        You are signed in as <strong>{user.username || 'an unknown user'}</strong>
        {user.roles.length > 0
          ? ` with the role${user.roles.length > 1 ? 's' : ''} ${user.roles.join(', ')}`
          : ''}
        , which lacks: {missing.join(', ')}.
      </P>
      <P>
        Ask a Splunk administrator (role admin, or sc_admin on Splunk Cloud) to configure the
        add-on, or to grant you that role.
      </P>
    </div>
  );
}
