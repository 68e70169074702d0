#!/usr/bin/env node
// `npx webcodecs-native <command>`: see cli/main.mjs.
import { main } from '../cli/main.mjs';

process.exitCode = await main(process.argv.slice(2));
