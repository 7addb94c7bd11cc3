import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('south-african-compliance', 'popia', new URL('../package.json', import.meta.url));
