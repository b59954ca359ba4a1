'use client';
import { type FormEvent, type KeyboardEvent, useEffect, useState } from 'react';

interface Props {
  disabled: boolean;
  running: boolean;
  onSend(content: string): Promise<unknown>;
  onCancel(): void;
  /** Changes when a message was sent from elsewhere (a "send again"): the draft is then cleared. */
  sentCount?: number;
}

/** Enter sends, Shift+Enter adds a line. The text stays if sending fails. */
export function Composer({ disabled, running, onSend, onCancel, sentCount }: Props) {
  const [text, setText] = useState('');
  useEffect(() => {
    if (sentCount) setText('');
  }, [sentCount]);
  const canSend = !disabled && !running && text.trim().length > 0;

  const send = async () => {
    if (!canSend) return;
    try {
      await onSend(text);
      setText('');
    } catch {
      // The caller shows the error inline; keep what was typed.
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        placeholder={running ? 'The agent is answering…' : 'Message (Enter to send, Shift+Enter for a new line)'}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        rows={2}
      />
      {running ? (
        <button type="button" className="danger" onClick={onCancel}>
          Cancel
        </button>
      ) : (
        <button type="submit" className="primary" disabled={!canSend}>
          Send
        </button>
      )}
    </form>
  );
}
