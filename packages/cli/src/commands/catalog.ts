import type { Command } from 'commander';
import {
  closestOperationIds,
  connectors,
  findConnector,
  findOperation,
  getCatalogFiles,
  triggerEvents,
  type CatalogOperation,
  type TriggerEvent,
} from '@splice/connectors';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

/** `splice catalog list|show|triggers`: the operations and triggers flows can use, from the generated catalogs. */
export const registerCatalog: RegisterCommand = (program: Command, io: CliIO) => {
  const catalog = program.command('catalog').description('Browse the operation catalog (HighLevel Users API v2/v3, Payaca) and webhook triggers.');

  catalog
    .command('list')
    .description('List operations with method, path and OAuth scope.')
    .argument('[connector]', `one of: ${connectors.map((c) => c.id).join(', ')}`)
    .option('--api-version <version>', 'only this API version (v2, v3, v1)')
    .option('--json', 'print as JSON')
    .action((connector: string | undefined, opts: { apiVersion?: string; json?: boolean }) => {
      if (connector && !findConnector(connector)) {
        throw new CliUsageError(`unknown connector "${connector}"; choose one of: ${connectors.map((c) => c.id).join(', ')}.`);
      }
      const files = getCatalogFiles().filter((f) => (!connector || f.connector === connector) && (!opts.apiVersion || f.apiVersion === opts.apiVersion));
      if (files.length === 0) throw new CliUsageError(`no catalog for ${connector ?? 'any connector'} ${opts.apiVersion}; versions: ${getCatalogFiles().map((f) => `${f.connector} ${f.apiVersion}`).join(', ')}.`);
      if (opts.json) {
        const ops = files.flatMap((f) => f.operations.map((o) => ({ id: o.id, aliases: o.aliases, method: o.method, path: o.path, scope: o.scope, versionHeader: o.versionHeader, summary: o.summary })));
        io.out(`${JSON.stringify(ops, null, 2)}\n`);
        return;
      }
      for (const f of files) {
        const info = findConnector(f.connector);
        const version = f.operations[0]?.versionHeader;
        io.out(`${info?.title ?? f.connector} ${f.apiVersion}: ${f.operations.length} operations${version ? ` (header Version: ${version})` : ''}\n`);
        const idWidth = Math.max(...f.operations.map((o) => o.id.length));
        const routeWidth = Math.max(...f.operations.map((o) => o.path.length + 7));
        for (const o of f.operations) {
          io.out(`  ${o.id.padEnd(idWidth)}  ${`${o.method.padEnd(6)} ${o.path}`.padEnd(routeWidth)}  ${o.scope ?? '(no scope)'}${o.assumedPath ? '  [assumed path]' : ''}\n`);
        }
        io.out('\n');
      }
      io.out('Show one with `splice catalog show <id>`. In flows, `highlevel.<operationId>` means the v2 operation.\n');
    });

  catalog
    .command('show')
    .description('Show an operation: parameters, request body schema, scope, Version header, responses.')
    .argument('<id>', 'operation id (highlevel.v2.get-tags-location-id) or trigger id (payaca.project.tagsChanged)')
    .option('--json', 'print the catalog entry as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const op = findOperation(id);
      const trigger = op ? undefined : triggerEvents.find((t) => t.id === id);
      if (trigger) {
        io.out(opts.json ? `${JSON.stringify(trigger, null, 2)}\n` : describeTrigger(trigger));
        return;
      }
      if (!op) {
        const close = closestOperationIds(id);
        throw new CliUsageError(
          `unknown operation "${id}".${close.length ? ` Did you mean: ${close.join(', ')}?` : ''} List them with \`splice catalog list\`.`,
          ExitCode.USAGE,
        );
      }
      io.out(opts.json ? `${JSON.stringify(op, null, 2)}\n` : describeOperation(op));
    });

  catalog
    .command('triggers')
    .description('List the webhook events flows can start from (assumed ones are marked).')
    .argument('[connector]', `one of: ${connectors.map((c) => c.id).join(', ')}`)
    .option('--json', 'print as JSON, with payload schemas and samples')
    .action((connector: string | undefined, opts: { json?: boolean }) => {
      const events = triggerEvents.filter((t) => !connector || t.connector === connector);
      if (opts.json) return io.out(`${JSON.stringify(events, null, 2)}\n`);
      for (const t of events) {
        io.out(`  ${t.id.padEnd(38)}  ${t.title}${t.assumed ? '  [assumed]' : ''}\n      source: ${t.source}\n`);
      }
      if (!opts.json) io.out('Show one (payload schema, sample) with `splice catalog show <trigger id>`.\n');
    });
};

function describeOperation(op: CatalogOperation): string {
  const info = findConnector(op.connector);
  const lines: string[] = [];
  lines.push(`${op.id}${op.aliases.length ? `  (also ${op.aliases.join(', ')})` : ''}`);
  lines.push(`  ${op.summary}`);
  if (op.description && op.description !== op.summary) lines.push(`  ${op.description}`);
  lines.push('');
  lines.push(`  connector:  ${info?.title ?? op.connector} ${op.apiVersion}`);
  lines.push(`  request:    ${op.method} ${info?.baseUrls.production ?? ''}${op.path}${op.assumedPath ? '   [path assumed: not confirmed by public docs]' : ''}`);
  lines.push(`  scope:      ${op.scope ?? '(none)'}${op.scope ? `   (from ${op.scopeSource})` : ''}`);
  lines.push(`  Version:    ${op.versionHeader ?? '(no Version header)'}`);
  lines.push(`  auth:       ${info?.auth.join(' or ') ?? 'from the bound credential'}`);
  if (op.pagination) lines.push(`  paginate:   yes: ${op.pagination.limit}/${op.pagination.offset} in ${op.pagination.in}${op.pagination.itemsPath ? `, items at ${op.pagination.itemsPath.join('.')}` : ' (items not described: paginate unsupported)'}`);
  lines.push('');
  lines.push('  parameters (with.params = path, with.query, with.headers):');
  if (op.parameters.length === 0) lines.push('    (none)');
  for (const p of op.parameters) {
    const section = p.in === 'path' ? 'params' : p.in === 'query' ? 'query' : 'headers';
    const type = typeof p.schema.type === 'string' ? p.schema.type : 'any';
    lines.push(`    ${`${section}.${p.name}`.padEnd(28)} ${type.padEnd(8)} ${p.required ? 'required' : 'optional'}  ${p.description ?? ''}${p.inferred ? ' [inferred]' : ''}`);
  }
  lines.push('');
  if (op.requestBody) {
    lines.push(`  body (with.body, ${op.requestBody.contentType}${op.requestBody.required ? ', required' : ''}):`);
    lines.push(indent(JSON.stringify(op.requestBody.schema, null, 2), 4));
  } else lines.push('  body: none');
  lines.push('');
  lines.push('  responses:');
  for (const r of op.responses) lines.push(`    ${r.status}  ${r.description}${r.schema ? '' : ' (no schema)'}`);
  return `${lines.join('\n')}\n`;
}

function describeTrigger(t: TriggerEvent): string {
  const from = t.eventFrom;
  const where = `body field ${from.body.join(' / ')}${from.headers?.length ? `, else the unsigned header ${from.headers.join(' / ')} (${from.headerRisk ?? 'not signed'})` : ''}`;
  return [
    `${t.id}${t.assumed ? '  [assumed event name]' : ''}`,
    `  ${t.title}: ${t.description}`,
    '',
    `  event:    ${t.event} (read from the ${where})`,
    `  source:   ${t.source}`,
    `  payload${t.payloadAssumed ? ' (our model, not published)' : ''}:`,
    indent(JSON.stringify(t.payloadSchema, null, 2), 4),
    '  sample:',
    indent(JSON.stringify(t.sample, null, 2), 4),
    '',
  ].join('\n');
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text.split('\n').map((l) => pad + l).join('\n');
}
