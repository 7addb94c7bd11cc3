import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('lgpd-compliance', 'lgpd', new URL('../package.json', import.meta.url));
