/** A yes/no question for destructive keys; `interpretKey` reads the answer. */
import { Text } from 'ink';

export interface ConfirmProps {
  readonly question: string;
}

export function Confirm({ question }: ConfirmProps) {
  return (
    <Text wrap="truncate-start" color="yellow" bold>
      {question} (y/n)
    </Text>
  );
}
