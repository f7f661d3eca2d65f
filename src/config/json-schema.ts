import * as z from 'zod';
import { configSchema } from './schema.js';
import { ANCHOR_HOLDER } from './validate.js';

/**
 * JSON Schema of the written `czar.yaml`, for editors (yaml-language-server) and other tools. Generated from the
 * same zod schema that validates the file; `config/czar.schema.json` is its committed copy (`npm run schemas`).
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    ...generated,
    patternProperties: {
      [ANCHOR_HOLDER.source]: { description: 'Holds YAML anchors for <<: *name merges; czar skips it.' },
    },
    title: 'czar.yaml',
    description:
      'Configuration of a czar fleet: the project, its git repository, the workers and their tasks, agents, policy and bonus tasks.',
  };
}
