// Lets Node resolve `@cohack/sdk` to this SDK (its stand-ins for the host), so a validator and
// its tests run under `node --test` unchanged, without installing anything into the
// validator's folder:
//
//   node --import ./challenge-sdk/js/scripts/register.mjs --test challenge/validator/
//
// (`scripts/test.mjs` does exactly that.)

import { register } from 'node:module';

register('./resolve-sdk.mjs', import.meta.url);
