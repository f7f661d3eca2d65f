/** The one-line message box that `s` (and `c`, for a review comment) opens; keys are handled by `interpretKey`, this only draws it. */
import { Text } from 'ink';

export interface PromptInputProps {
  readonly worker: string;
  readonly text: string;
  readonly width: number;
  /** A review comment (`c`) rather than a message (`s`). */
  readonly comment?: boolean | undefined;
}

export function PromptInput({ worker, text, width, comment }: PromptInputProps) {
  const label = comment === true ? `comment on ${worker} ([FILE:LINE] text) › ` : `send to ${worker} › `;
  // Keep the end of a long message in view: that is where the person is typing.
  const room = Math.max(1, width - label.length - 1);
  const chars = Array.from(text);
  const visible = chars.length > room ? `…${chars.slice(chars.length - room + 1).join('')}` : text;
  return (
    <Text wrap="truncate-end">
      <Text color="cyan" bold>
        {label}
      </Text>
      <Text>{visible}</Text>
      <Text inverse> </Text>
    </Text>
  );
}

export const PROMPT_HINT = 'Enter sends · Esc cancels';
