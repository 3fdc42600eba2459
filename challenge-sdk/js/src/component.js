// The SDK as the component sees it: the host's imports wired in first (`sandbox.js`), then
// everything `index.js` exports. package.json names this file as its `module` entry, which
// bundlers read (the build runs esbuild with `--main-fields=module,main` and
// `--alias:@cohack/sdk=challenge-sdk/js`), while Node reads `exports`/`main` (`index.js`,
// with the stand-ins): so `import … from '@cohack/sdk'` gets the real host in a component and
// the stand-ins under `node --test`, with no change to the validator.

import './sandbox.js';

export * from './index.js';
