#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so a checkout needs no separate server build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
