import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('ccpa-compliance', 'ccpa', new URL('../package.json', import.meta.url));
