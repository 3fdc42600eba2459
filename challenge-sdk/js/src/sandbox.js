// Wires the sandbox's imports into the SDK. `component.js` (the SDK's entry in a bundle)
// imports this module first, so the host is in place before the validator's own module runs
// (even its top level). Never import it yourself: outside a component, the specifier below
// does not exist.

import { config, log, networkBudget } from 'cohack:validator/host@0.2.0';
import { installHost } from './host.js';

installHost({ config, log, networkBudget });
