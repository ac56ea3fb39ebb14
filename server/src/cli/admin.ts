/**
 * `npm run admin -- create <username> | promote <username> | demote <username> | list`
 * `npm run admin -- apikey create <name> | apikey list | apikey revoke <key id>`
 * Manages admin accounts directly in the configured database (DATABASE_URL, migrations run
 * first, like the server). `create` reads the password from stdin.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAdminCliConfig } from '../config/env.schema.js';
import { buildDataSourceOptions } from '../database/data-source-options.js';
import { AdminAccounts, AdminCommandError } from '../users/admin-accounts.js';
import { User } from '../users/user.entity.js';
import { ApiKey } from '../api-keys/api-key.entity.js';
import { ApiKeyCommandError } from '../api-keys/api-key-store.js';
import { APIKEY_USAGE, cliJwtSecret, runApiKeyCommand } from './apikey-commands.js';

const USAGE = `usage: npm run admin -- <command>
  create <username> [--password-stdin]   new admin account; password read from stdin
  promote <username>                     make an existing user an admin
  demote <username>                      make an admin a plain user
  list                                   list admins
${APIKEY_USAGE}`;

class UsageError extends Error {}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (input is shown; pipe it to hide): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    // Interactive: one line is enough.
    if (process.stdin.isTTY && Buffer.concat(chunks).includes('\n')) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

const APIKEY_ARITY: Record<string, number> = { create: 1, list: 0, revoke: 1 };

async function runApiKey(args: string[]): Promise<void> {
  const [sub, arg, ...extra] = args;
  const arity = sub === undefined ? undefined : APIKEY_ARITY[sub];
  if (arity === undefined) throw new UsageError(sub ? `unknown apikey command ${sub}` : 'no apikey command');
  if ((arity === 1 && (!arg || extra.length)) || (arity === 0 && arg !== undefined))
    throw new UsageError(`wrong arguments for apikey ${sub}`);
  const config = loadAdminCliConfig();
  const jwtSecret = cliJwtSecret(config);
  const dataSource = new DataSource({ ...buildDataSourceOptions(config.database), entities: [User, ApiKey] });
  await dataSource.initialize();
  try {
    for (const line of await runApiKeyCommand(dataSource, jwtSecret, sub!, arg)) console.log(line);
  } finally {
    await dataSource.destroy();
  }
}

async function run(argv: string[]): Promise<void> {
  if (argv[0] === 'apikey') return runApiKey(argv.slice(1));
  const args = argv.filter((a) => a !== '--password-stdin');
  const [command, username, ...extra] = args;
  const unknownFlag = args.find((a) => a.startsWith('-'));
  if (unknownFlag) throw new UsageError(`unknown option ${unknownFlag}`);
  const needsName = command === 'create' || command === 'promote' || command === 'demote';
  if (!command || (needsName && (!username || extra.length)) || (command === 'list' && username)) {
    throw new UsageError(command ? `wrong arguments for ${command}` : 'no command');
  }
  if (!needsName && command !== 'list') throw new UsageError(`unknown command ${command}`);

  const config = loadAdminCliConfig();
  const password = command === 'create' ? await readPassword() : '';
  const dataSource = new DataSource({ ...buildDataSourceOptions(config.database), entities: [User] });
  await dataSource.initialize();
  try {
    const accounts = new AdminAccounts(dataSource.getRepository(User));
    switch (command) {
      case 'create': {
        const user = await accounts.create(username!, password);
        console.log(`created admin ${user.username} (id ${user.id})`);
        break;
      }
      case 'promote':
        console.log(
          (await accounts.setRole(username!, 'admin'))
            ? `${username} is now an admin`
            : `${username} is already an admin`,
        );
        break;
      case 'demote':
        console.log(
          (await accounts.setRole(username!, 'user'))
            ? `${username} is now a plain user`
            : `${username} is not an admin`,
        );
        if (config.adminUsernames.includes(username!.toLowerCase())) {
          console.log(`note: ${username} is in ADMIN_USERNAMES; the next server start promotes it again`);
        }
        break;
      case 'list': {
        const admins = await accounts.listAdmins();
        if (!admins.length) console.log('no admins (create one: npm run admin -- create <username>)');
        for (const a of admins) console.log(`${a.id}\t${a.username}\t${a.createdAt.toISOString()}`);
        break;
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`admin: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const message = err instanceof AdminCommandError || err instanceof ApiKeyCommandError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`admin: ${message.split('\n')[0]}\n`);
    process.exit(1);
  },
);
