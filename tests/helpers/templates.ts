import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_FILES, type PromptTemplates } from '../../src/domain/text/prompt-template.js';

/** The folder of czar's message templates. */
export const PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

/** czar's message templates as the shell reads them (`prompts/*.md`). */
export const TEMPLATES = Object.fromEntries(
  Object.entries(TEMPLATE_FILES).map(([key, file]) => [key, readFileSync(path.join(PROMPTS_DIR, file), 'utf8')]),
) as unknown as PromptTemplates;
