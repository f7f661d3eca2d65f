#!/usr/bin/env node
// A stand-in agent TUI for the launch bench: ready 0.2 s after it starts (bracketed paste on, a prompt drawn), it
// echoes what it is given and, on Enter, says it is working on it.
import process from 'node:process';
import { setTimeout } from 'node:timers';

const ESC = String.fromCharCode(27);
let input = '';
process.stdin.setRawMode(true);
setTimeout(() => process.stdout.write(`${ESC}[?2004hstand-in tui\r\n> `), 200);
process.stdin.on('data', (chunk) => {
  const text = chunk.toString('utf8').split(`${ESC}[200~`).join('').split(`${ESC}[201~`).join('');
  for (const char of text) {
    if (char === '\r' && input !== '') {
      input = '';
      process.stdout.write('\r\nworking\r\n> ');
    } else if (char !== '\r') {
      input += char;
      process.stdout.write(char === '\n' ? '\r\n' : char);
    }
  }
});
