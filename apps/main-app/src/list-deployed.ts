// Prints the workspace's service packages as JSON; the image build runs it on the full repo:
//   node apps/main-app/src/list-deployed.ts > deployed-services.json
import { scanWorkspace } from './deployed.ts';

process.stdout.write(`${JSON.stringify(scanWorkspace(process.argv[2] ?? process.cwd()))}\n`);
