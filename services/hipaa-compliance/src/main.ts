import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('hipaa-compliance', 'hipaa', new URL('../package.json', import.meta.url));
