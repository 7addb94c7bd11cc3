import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('sox-compliance', 'sox', new URL('../package.json', import.meta.url));
