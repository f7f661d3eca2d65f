#!/usr/bin/env node
import { runSimAgent } from '../dist/sim/agent.js';

process.exitCode = await runSimAgent(process.argv.slice(2));
