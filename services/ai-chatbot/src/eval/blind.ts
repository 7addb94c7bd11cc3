/**
 * A second held-out set, written by a different author from the intent names alone,
 * without seeing the training corpus or the first held-out set, after the corpus was
 * final. It measures how the assistant generalises; never tune the corpus on its misses
 * (that would turn it into training data) — write a new blind set instead.
 */
import type { HeldOutItem } from './heldout.ts';

const inScope: [string, string[]][] = [
  ['greeting', ['Hello there!', 'hiya, anyone around?', 'greetings, bot']],
  ['thanks', ['cheers, that helps', 'ty, that answered it', 'brilliant, much obliged']],
  ['goodbye', ['ok I am done here, bye', 'catch you another time', 'signing off now']],
  [
    'handoff.human',
    [
      'I want to talk to someone from your team',
      'escalate this to a real agent',
      'put me through to customer support staff',
    ],
  ],
  [
    'assistant.capabilities',
    [
      'what kind of questions do you handle?',
      'in what ways are you able to assist',
      'which subjects are you trained on',
    ],
  ],
  [
    'assistant.privacy',
    ['do you store what I type here?', 'how long do you keep my chat history', 'does anyone read these conversations'],
  ],
  [
    'platform.overview',
    ['so what exactly is Azora', 'give me a quick overview of the platform', 'explain what this platform is for'],
  ],
  [
    'platform.services',
    ['which services does the platform have', 'list all the microservices', 'what services are part of Azora'],
  ],
  [
    'service.describe',
    [
      'what is ai-vision responsible for',
      'explain the zero-rating service',
      'what is tracing-recovery for',
      'tell me about the compliance dashboard',
    ],
  ],
  [
    'ops.ports',
    ['ai-chatbot listens where, which port', 'what port does the gdpr service run on', 'on what port is main-app'],
  ],
  [
    'ops.health-check',
    [
      'how can I see if a service is healthy',
      'how do I check that everything is up',
      'where do I see the health of services',
    ],
  ],
  [
    'ops.readiness',
    [
      'what does it mean when readiness returns 503',
      'difference between /health and /health/ready',
      'why is a service marked degraded',
    ],
  ],
  [
    'ops.run-locally',
    [
      'getting the whole stack going on my own machine, how',
      'how to run everything locally',
      'what command starts the dev environment',
    ],
  ],
  [
    'ops.docker',
    ['steps to bring it up using compose', 'which compose file is for production', 'can I run it in containers'],
  ],
  ['ops.monitoring', ['where are the grafana dashboards', 'how is prometheus set up', 'how do alerts get sent']],
  ['ops.tests', ['how do I run the test suite', 'what command runs the tests', 'must postgres be up before testing']],
  [
    'ops.config',
    [
      'what env vars can I set on a service',
      'make a service listen somewhere other than its default port',
      'where do settings like the redis url come from',
    ],
  ],
  [
    'ops.troubleshoot',
    [
      'a service keeps crashing, what should I do',
      'the service exits immediately on boot',
      'how do I debug a failing service',
    ],
  ],
  [
    'security.auth',
    ['how are api callers identified', 'is a key or bearer token required for writes', 'what roles does a jwt need'],
  ],
  [
    'compliance.regimes',
    ['which privacy laws do you cover', 'what compliance regimes are supported', 'do you support popia'],
  ],
  [
    'compliance.deadline',
    [
      'what is the deadline for a CCPA request',
      'how many days do I have to respond to an LGPD request',
      'GDPR subject access request time limit',
      'how quickly must a HIPAA access request be answered',
    ],
  ],
  [
    'compliance.breach',
    [
      'we leaked customer records, how soon must the regulator hear',
      'what do I do after a personal data breach',
      'breach notification deadline',
    ],
  ],
  [
    'compliance.dsr',
    [
      'a user wants to be forgotten, how is that handled',
      'filing a dsr, what is the process',
      'how can a client obtain an export of everything you hold on them',
    ],
  ],
  [
    'mint.wallet',
    [
      'set up a wallet for me, how',
      'what is my current token holding and where do I see it',
      'how do I open a new wallet in azora-mint',
    ],
  ],
  [
    'mint.transfer',
    [
      'how do I send tokens to another wallet',
      'can I transfer tokens to a friend',
      'if moving tokens breaks in the middle, are they lost',
    ],
  ],
  [
    'mint.amounts',
    ['why are amounts strings and not numbers', 'how are token amounts stored', 'are balances floating point'],
  ],
];
const outOfScope = [
  'what is the weather in Paris tomorrow',
  'who won the world cup in 2018',
  'any decent pizza near the station',
  'height of kilimanjaro in metres',
  'write me a poem about cats',
  'what is 17 times 23',
  'translate hello into spanish',
  'is rust better than go',
  'say something funny',
  'how do I bake sourdough bread',
  'who is the president of brazil',
  'current local time in osaka',
  'my car makes a grinding noise when braking',
  'which films are showing this weekend',
  'why are we here, philosophically',
  'how many calories in a banana',
  'book me a flight to london',
  'what is bitcoin worth today',
  'how do I learn guitar',
  'is it going to rain',
  'what are the symptoms of flu',
  'who painted the mona lisa',
  'how far is the moon',
  'best exercises for back pain',
  'what is the population of india',
  'put on a jazz playlist',
  'how do I reset my iphone',
  'what is the stock price of apple',
  'suggest a name for my dog',
  'how do volcanoes form',
];
export const BLIND: readonly HeldOutItem[] = [
  ...inScope.flatMap(([intent, texts]) => texts.map((text) => ({ text, intent }))),
  ...outOfScope.map((text) => ({ text, intent: 'None' })),
];
