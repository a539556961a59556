import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

// Builds the server binary and the model-layer helper once for all specs,
// and refuses to run without a Chromium rather than skipping.
export default function globalSetup() {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(`Chromium not found at ${chromium}. Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  const root = path.resolve(__dirname, '..', '..');
  const bin = path.join(root, 'web', '.bin');
  mkdirSync(bin, { recursive: true });
  execFileSync('go', ['build', '-o', path.join(bin, 'supportaccess'), '.'], { cwd: root, stdio: 'inherit' });
  execFileSync('go', ['build', '-o', path.join(bin, 'e2etool'), './web/e2etool'], { cwd: root, stdio: 'inherit' });
}
