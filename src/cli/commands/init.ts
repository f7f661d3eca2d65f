import path from 'node:path';
import { isFolder, pathExists, writeTextFile } from '../../adapters/file-system.js';
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../../config/schema-fields.js';
import { initTemplate } from '../../config/template.js';
import { CzarError } from '../../domain/model/errors.js';
import { parse, usageError, type Command } from '../command.js';
import { out } from '../output.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented czar.yaml in the current folder',
  usage: 'czar init [--project NAME] [--force]',
  async run(args) {
    const { values } = parse(this, args, { project: { type: 'string' }, force: { type: 'boolean' } }, 0);
    // The name the config's schema would refuse on the first "czar up": refuse it now, before writing anything.
    if (values.project !== undefined && !NAME_PATTERN.test(values.project)) {
      throw usageError(
        this,
        `--project ${JSON.stringify(values.project)} is not a valid project name; use lowercase letters, digits, "-" or "_", starting with a letter or digit`,
      );
    }
    if (values.project !== undefined && values.project.length > MAX_NAME_LENGTH) {
      throw usageError(
        this,
        `--project ${JSON.stringify(values.project)} is ${values.project.length} characters long; the tmux server, files and branches are named after it, so keep it to ${MAX_NAME_LENGTH} or fewer`,
      );
    }
    const file = path.resolve('czar.yaml');
    if (await isFolder(file)) {
      throw new CzarError(
        'exists',
        `${file} is a folder, so czar init cannot write its config there; move the folder away, then run "czar init" again.`,
      );
    }
    if (values.force !== true && (await pathExists(file))) {
      throw new CzarError('exists', `${file} already exists; edit it, or run "czar init --force" to overwrite it.`);
    }
    const project =
      values.project ??
      (path
        .basename(process.cwd())
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '')
        .slice(0, MAX_NAME_LENGTH) ||
        'project');
    await writeTextFile(file, initTemplate(project));
    out(`wrote ${file}; add your workers, then run "czar doctor" and "czar up"`);
    return 0;
  },
};
