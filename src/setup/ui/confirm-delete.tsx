/** The one "Delete …?" confirmation of the setup page (accounts and inputs). */
import React from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import Modal from '@splunk/react-ui/Modal';
import P from '@splunk/react-ui/Paragraph';

export interface ConfirmDeleteProps {
  readonly title: string;
  /** What deleting removes and what stays, in the admin's words. */
  readonly explanation: React.ReactNode;
  readonly error?: string | undefined;
  readonly returnFocus: React.ComponentProps<typeof Modal>['returnFocus'];
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
  readonly dialogTestId: string;
  readonly confirmTestId: string;
}

export function ConfirmDelete(props: ConfirmDeleteProps): React.JSX.Element {
  return (
    <Modal
      open
      returnFocus={props.returnFocus}
      onRequestClose={props.onCancel}
      data-testid={props.dialogTestId}
    >
      <Modal.Header title={props.title} />
      <Modal.Body>
        <P>{props.explanation}</P>
        {props.error !== undefined && <Message type="error">{props.error}</Message>}
      </Modal.Body>
      <Modal.Footer>
        <Button appearance="secondary" label="Cancel" onClick={props.onCancel} />
        <Button
          appearance="destructive"
          label="Delete"
          onClick={props.onConfirm}
          data-testid={props.confirmTestId}
        />
      </Modal.Footer>
    </Modal>
  );
}
