import { createRequire } from 'node:module';

// Read once from package.json so `--version`, the user agent and serverInfo never disagree.
const require = createRequire(import.meta.url);
const pkg = require('../package.json') as { name: string; version: string };

export const PACKAGE_NAME: string = pkg.name;
export const VERSION: string = pkg.version;
export const USER_AGENT = `${PACKAGE_NAME}/${VERSION}`;
