// The app's package name, read from its Cargo.toml: the name of its server binary, of its site
// files (`/pkg/<name>.<hash>.wasm`) and, + `-demo`, of the OAuth application the local dev
// instance registers for it.
import { existsSync, readFileSync } from 'node:fs';

const manifest = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8');
export const PACKAGE_NAME = manifest.match(/^name = "([^"]+)"$/m)[1];

/**
 * Whether this project has the demo pages (`src/routes/demo/`: /client, /protected, /orgs, …);
 * a project generated with `demo=false` has none, and its tests skip nothing else.
 */
export const HAS_DEMO_PAGES = existsSync(new URL('../../src/routes/demo', import.meta.url));
