// Every area's Japanese, merged. A unit test checks that each t('…') literal in console/src has an entry.
import { jaCommon } from './ja-common';
import { jaHome } from './ja-home';
import { jaOperators } from './ja-operators';
import { jaNodes } from './ja-nodes';
import { jaNmstate } from './ja-nmstate';
import { jaNetworks } from './ja-networks';
import { jaVms } from './ja-vms';

export const ja: Record<string, string> = {
  ...jaCommon, ...jaHome, ...jaOperators, ...jaNodes, ...jaNmstate, ...jaNetworks, ...jaVms,
};
