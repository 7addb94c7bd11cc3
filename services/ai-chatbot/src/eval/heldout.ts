/**
 * Held-out evaluation set: paraphrases written separately from the training corpus (a test
 * checks that none repeats or nearly repeats a training utterance), with the intent each
 * should get. `None` marks out-of-scope questions the assistant must decline.
 */
export interface HeldOutItem {
  text: string;
  intent: string;
}

const inScope: [string, string[]][] = [
  ['greeting', ['hey', 'hey hey, good to see you', 'morning!', 'hi bot', 'heya, good day']],
  ['thanks', ['many thanks', 'thanks, that was useful', 'appreciate it', 'thank you kindly']],
  ['goodbye', ['ok bye', 'see you soon', 'gotta go, bye', 'farewell', 'i am leaving now, goodbye']],
  [
    'handoff.human',
    [
      'can i speak with a person instead',
      'i would rather talk to a human being',
      'please connect me to a human agent',
      'i need real support from a person',
      'hand me over to a support person',
    ],
  ],
  [
    'assistant.capabilities',
    ['what are you good for', 'what sort of things can you answer', 'what can i ask', 'are you an ai assistant'],
  ],
  [
    'assistant.privacy',
    [
      'do you keep a record of this chat',
      'how long is my chat history stored',
      'are my messages saved somewhere',
      'will this conversation be deleted later',
    ],
  ],
  [
    'platform.overview',
    [
      'could you explain the azora platform in a sentence or two',
      'give me a short description of azora',
      'how does the azora platform fit together',
      'what is the azora operating system about',
    ],
  ],
  [
    'platform.services',
    [
      'what services make up azora',
      'how many services do you run',
      'can you list every service',
      'which microservices are part of the platform',
    ],
  ],
  [
    'service.describe',
    [
      'what is ai-personalization used for',
      'what does the vision service do with images',
      'tell me what the zero rating service is',
      'what is the role of the snapshot-scheduler',
      'what does tracing-recovery do',
      'describe the 5g manager service',
      'what is the automated reporting service',
      'tell me the purpose of ccpa-compliance',
      'what is the iot integration service for',
      'what does the azora mint service do',
    ],
  ],
  [
    'ops.ports',
    [
      'what port is ai-vision on',
      'which port does the personalization service listen on',
      'what is the port of the compliance dashboard',
      'tell me the port for azora-mint',
      'which port numbers are used by the services',
    ],
  ],
  [
    'ops.health-check',
    [
      'how can i tell if the chatbot is healthy',
      'what endpoint shows if a service is alive',
      'how do i verify the vision service is running',
      'is there a page that shows the state of all services',
      'check whether the mint service is up',
    ],
  ],
  [
    'ops.readiness',
    [
      'what is the meaning of degraded status',
      'why would readiness fail with 503',
      'how is a liveness probe different from a readiness probe',
      'a service shows degraded, what does that imply',
    ],
  ],
  [
    'ops.run-locally',
    [
      'how do i launch the whole platform locally',
      'what is the command to run azora in development',
      'how do i run everything on my own computer',
      'how to get started running the code locally',
    ],
  ],
  [
    'ops.docker',
    [
      'how do i run the stack with containers',
      'what is the docker compose command for production',
      'how are docker images made for each service',
      'where do i find the compose files for deployment',
    ],
  ],
  [
    'ops.monitoring',
    [
      'how can i view service metrics',
      'does the platform use prometheus',
      'where are the grafana dashboards',
      'what does the chatbot report to prometheus',
    ],
  ],
  [
    'ops.tests',
    [
      'how do i execute the test suite',
      'how can i run tests for just one package',
      'do the integration tests use a real redis',
      'how do i run the benchmark scripts',
    ],
  ],
  [
    'ops.config',
    [
      'what environment variables are needed',
      'how do i set the port through an environment variable',
      'how do i tell the chatbot where the sentiment service is',
      'what happens when a config value is invalid',
    ],
  ],
  [
    'ops.troubleshoot',
    [
      'one of the services is down, how do i fix it',
      'the api gateway gives me a 502 error',
      'how do i debug a failing service',
      'where can i read the service logs',
    ],
  ],
  [
    'security.auth',
    [
      'how do i get authorized to call the api',
      'what credentials does the api accept',
      'i keep getting 401 errors',
      'do writes need a token',
    ],
  ],
  [
    'compliance.regimes',
    [
      'which data protection laws are supported',
      'do you cover lgpd and pipeda',
      'what privacy regulations does azora handle',
      'is there support for south african privacy law',
    ],
  ],
  [
    'compliance.deadline',
    [
      'what is the time limit for replying to a gdpr subject access request',
      'how many days do we have for a ccpa consumer request',
      'deadline for answering an access request in canada',
      'how long may we take to answer a hipaa request for records',
      'when must an lgpd data access request be answered',
      'what is the response window for a dsar',
    ],
  ],
  [
    'compliance.breach',
    [
      'what is the deadline to report a breach to the regulator',
      'how soon do we have to disclose a data breach under hipaa',
      'within how many hours must a gdpr breach be notified',
      'what are the rules for notifying a data leak in brazil',
    ],
  ],
  [
    'compliance.dsr',
    [
      'how can a customer ask us to erase their data',
      'how do we keep track of data subject requests',
      'where do i log a consent given by a user',
      'how do i file an access request for someone',
    ],
  ],
  [
    'mint.wallet',
    [
      'how do i make a new wallet',
      'where can i look up my balance',
      'what is an azora wallet',
      'how do i see how many tokens i have',
    ],
  ],
  [
    'mint.transfer',
    [
      'how do i pay tokens to a friend',
      'can i move tokens from one wallet to another',
      'what if my transfer gets sent twice',
      'how are new tokens minted',
    ],
  ],
  [
    'mint.amounts',
    [
      'why is the amount a string in the api',
      'can amounts have decimals',
      'what unit are token amounts in',
      'why don’t you use floats for balances',
    ],
  ],
];

const outOfScope = [
  'what is the capital of france',
  'how do i bake sourdough bread',
  'who wrote romeo and juliet',
  'what is the population of brazil',
  'will it rain tomorrow',
  'tell me something funny',
  'what is the square root of 144',
  'who painted the mona lisa',
  'what is the best phone to buy',
  'how far is the moon from earth',
  'give me a recipe for lasagna',
  'which team won the world cup in 2018',
  'what is the speed of light',
  'how do i learn to play guitar',
  'what is the price of gold today',
  'recommend a good book to read',
  'how many legs does a spider have',
  'what is the tallest building in the world',
  'how do i change a flat tyre',
  'who discovered penicillin',
  'what language do they speak in canada',
  'write a haiku about autumn',
  'what is the boiling point of water',
  'should i invest in stocks',
  'how do i train my dog to sit',
  'what is the largest ocean',
  'who is the richest person alive',
  'how many calories are in an apple',
  'what year did world war two end',
  'convert 10 miles to kilometres',
  'what are the symptoms of the flu',
  'can you order me a taxi',
  'how do i make my plants grow faster',
  'what is the plot of the movie inception',
  'who is the best tennis player ever',
];

export const HELD_OUT: readonly HeldOutItem[] = [
  ...inScope.flatMap(([intent, texts]) => texts.map((text) => ({ text, intent }))),
  ...outOfScope.map((text) => ({ text, intent: 'None' })),
];
