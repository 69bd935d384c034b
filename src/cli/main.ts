import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { ApiError } from './api-client.js';
import { registerConfigCommands } from './config-commands.js';
import { registerIncidentCommands } from './incident-commands.js';
import { registerSendAlertCommand } from './send-alert-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerOncallCommands } from './oncall-commands.js';
import { registerDevChatCommand } from './dev-chat-command.js';
import { registerUserCommands } from './user-commands.js';

const program = new Command('warroom').description('warroom: self-hosted incident response').showHelpAfterError();
registerServeCommand(program);
registerConfigCommands(program);
registerSendAlertCommand(program);
registerIncidentCommands(program);
registerOncallCommands(program);
registerDevChatCommand(program);
registerUserCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`config error:\n${error.message}`);
    process.exit(2);
  }
  if (error instanceof ApiError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
