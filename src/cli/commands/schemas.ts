import path from 'node:path';
import { PACKAGE_ROOT } from '../../adapters/package-files.js';
import { writeAtomic } from '../../adapters/state-files.js';
import { configJsonSchema } from '../../config/json-schema.js';
import { statusJsonSchema } from '../../domain/status/status-schema.js';
import { parse, type Command } from '../command.js';
import { out } from '../output.js';

/** Regenerates the JSON Schemas that editors and other programs read (tests fail when the committed ones drift). */
export const schemasCommand: Command = {
  name: 'schemas',
  summary: 'write config/czar.schema.json and status/status.schema.json from the zod types',
  usage: 'czar schemas',
  async run(args) {
    parse(this, args, {}, 0);
    for (const [file, schema] of [
      [path.join(PACKAGE_ROOT, 'config', 'czar.schema.json'), configJsonSchema()],
      [path.join(PACKAGE_ROOT, 'status', 'status.schema.json'), statusJsonSchema()],
    ] as const) {
      await writeAtomic(file, `${JSON.stringify(schema, null, 2)}\n`);
      out(`wrote ${file}`);
    }
    return 0;
  },
};
