import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('pipeda-compliance', 'pipeda', new URL('../package.json', import.meta.url));
