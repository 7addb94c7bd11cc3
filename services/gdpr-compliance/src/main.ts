import { runComplianceService } from '@azora/compliance-core';

await runComplianceService('gdpr-compliance', 'gdpr', new URL('../package.json', import.meta.url));
