import { parseArgs } from 'node:util';
import {
  BusinessRuleOptionError,
  DEFAULT_SECRET_PROPERTY,
  renderBusinessRule,
  renderInstructions,
  type BusinessRuleOptions,
} from './business-rule';

const USAGE =
  'usage: npm run servicenow:business-rule -- --url https://opsloop.example.com ' +
  '[--secret-property opsloop.webhook_secret] [--auth hmac|bearer] [--condition "assignment_group.name=SRE^priority<=2" (default: $SERVICENOW_INCIDENT_CONDITION)] [--skip-user opsloop.integration]';

function optionsFrom(argv: string[]): BusinessRuleOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'secret-property': { type: 'string', default: DEFAULT_SECRET_PROPERTY },
      auth: { type: 'string', default: 'hmac' },
      // The worker's variable is the default, so the rule and the reconcile schedule filter alike.
      condition: { type: 'string', ...(process.env.SERVICENOW_INCIDENT_CONDITION ? { default: process.env.SERVICENOW_INCIDENT_CONDITION } : {}) },
      'skip-user': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  if (!values.url) throw new BusinessRuleOptionError('--url is required: the public base URL of the OpsLoop API, e.g. --url https://opsloop.example.com');
  if (values.auth !== 'hmac' && values.auth !== 'bearer') throw new BusinessRuleOptionError(`--auth must be hmac or bearer: ${values.auth}`);
  return { endpointUrl: values.url, secretProperty: values['secret-property'], auth: values.auth, condition: values.condition, skipUser: values['skip-user'] };
}

function main(argv: string[]): number {
  try {
    const options = optionsFrom(argv);
    if (options === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // Script alone on stdout, so `> business-rule.js` captures exactly what to paste.
    const script = renderBusinessRule(options);
    process.stderr.write(`${renderInstructions(options)}\n`);
    process.stdout.write(script);
    return 0;
  } catch (err) {
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS_* code.
    if (err instanceof BusinessRuleOptionError || (err instanceof TypeError && 'code' in err)) {
      process.stderr.write(`servicenow:business-rule: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
