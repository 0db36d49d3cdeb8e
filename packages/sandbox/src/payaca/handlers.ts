import type { Customer, PayacaData, Project, TitleAndId } from './store';
import { newId } from './store';

/**
 * Payaca behaviour over the demo data. Answers are `{ status, body }`; errors use the model's Error shape
 * `{ message, errors: [{ field, message }] }`.
 */

export interface PayacaInput {
  data: PayacaData;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  now: Date;
  /** Fires a Payaca webhook event (project.tagsChanged, ...). */
  publish: (event: string, data: Record<string, unknown>) => void;
}

export interface PayacaAnswer {
  status: number;
  body: unknown;
}

const fail = (status: number, message: string, errors: Array<{ field: string; message: string }> = []): PayacaAnswer => ({
  status,
  body: { message, errors },
});

function page<T>(items: T[], query: Record<string, string>) {
  const offset = Number(query.offset ?? 0) || 0;
  const limit = Math.min(100, Number(query.limit ?? 20) || 20);
  return { results: items.slice(offset, offset + limit), totalCount: items.length };
}

function checkCustomFields(data: PayacaData, role: 'customer' | 'project', values: unknown): PayacaAnswer | undefined {
  if (!values || typeof values !== 'object') return undefined;
  const defs = new Map(data.customFields.filter((d) => d.groupRole === role).map((d) => [d.identifier, d]));
  const errors: Array<{ field: string; message: string }> = [];
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const def = defs.get(key);
    if (!def) {
      errors.push({
        field: `customFields.${key}`,
        message: `no ${role} custom field has the identifier "${key}"; list them with GET /v1/custom-fields?groupRole=${role}`,
      });
    } else if (def.type === 'number' && typeof value !== 'number') {
      errors.push({ field: `customFields.${key}`, message: 'must be a number' });
    } else if (def.type === 'select' && !def.options?.includes(String(value))) {
      errors.push({ field: `customFields.${key}`, message: `must be one of ${def.options?.join(', ')}` });
    }
  }
  return errors.length ? fail(422, 'Validation failed', errors) : undefined;
}

function resolvePipeline(data: PayacaData, pipeline?: { id?: string; title?: string }, stage?: { id?: string; title?: string }) {
  const p = pipeline ? data.pipelines.find((x) => x.id === pipeline.id || x.title === pipeline.title) : data.pipelines[0];
  if (!p) return { error: fail(422, 'Validation failed', [{ field: 'pipeline', message: `no pipeline ${JSON.stringify(pipeline)}` }]) };
  const s = stage ? p.stages.find((x) => x.id === stage.id || x.title === stage.title) : p.stages[0];
  if (!s)
    return {
      error: fail(422, 'Validation failed', [
        { field: 'pipelineStage', message: `pipeline "${p.title}" has no stage ${JSON.stringify(stage)}` },
      ]),
    };
  return { pipeline: { id: p.id, title: p.title } as TitleAndId, stage: { id: s.id, title: s.title } as TitleAndId };
}

const customerView = (c: Customer) => structuredClone(c);
const projectView = (p: Project) => structuredClone(p);

type Handler = (input: PayacaInput) => PayacaAnswer;

export const payacaHandlers: Record<string, Handler> = {
  'list-customers': ({ data, query }) => ({ status: 200, body: page(data.customers.map(customerView), query) }),

  'create-or-update-customer': ({ data, body, now }) => {
    const bad = checkCustomFields(data, 'customer', body.customFields);
    if (bad) return bad;
    const email = String(body.email).toLowerCase();
    // Where several customers share the email, Payaca updates the earliest.
    const match = data.customers.filter((c) => c.email.toLowerCase() === email).sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    if (match) {
      match.name = String(body.name ?? match.name);
      if (body.contactNumber !== undefined) match.contactNumber = String(body.contactNumber);
      if (Array.isArray(body.addresses)) match.addresses = body.addresses as Customer['addresses'];
      Object.assign(match.customFields, (body.customFields as object) ?? {});
      return { status: 200, body: customerView(match) };
    }
    const c: Customer = {
      id: newId(data),
      name: String(body.name),
      email: String(body.email),
      ...(body.contactNumber !== undefined ? { contactNumber: String(body.contactNumber) } : {}),
      addresses: (body.addresses as Customer['addresses']) ?? [],
      tags: [],
      customFields: { ...((body.customFields as object) ?? {}) },
      createdAt: now.toISOString(),
    };
    data.customers.push(c);
    return { status: 200, body: customerView(c) };
  },

  'get-customer': ({ data, params }) => {
    const c = data.customers.find((x) => x.id === params.customerId);
    return c ? { status: 200, body: customerView(c) } : fail(404, `Customer ${params.customerId} not found`);
  },

  'update-customer': ({ data, params, body }) => {
    const c = data.customers.find((x) => x.id === params.customerId);
    if (!c) return fail(404, `Customer ${params.customerId} not found`);
    const bad = checkCustomFields(data, 'customer', body.customFields);
    if (bad) return bad;
    if (body.name !== undefined) c.name = String(body.name);
    if (body.email !== undefined) c.email = String(body.email);
    if (body.contactNumber !== undefined) c.contactNumber = String(body.contactNumber);
    if (Array.isArray(body.addresses)) c.addresses = body.addresses as Customer['addresses'];
    Object.assign(c.customFields, (body.customFields as object) ?? {});
    return { status: 200, body: customerView(c) };
  },

  'add-customer-tags': ({ data, params, body }) => {
    const c = data.customers.find((x) => x.id === params.customerId);
    if (!c) return fail(404, `Customer ${params.customerId} not found`);
    c.tags = [...new Set([...c.tags, ...((body.tagNames as string[]) ?? [])])];
    return { status: 200, body: customerView(c) };
  },

  'create-project': ({ data, params, body, now }) => {
    const customerId = params.customerId ?? String(body.customerId ?? '');
    if (!data.customers.some((x) => x.id === customerId)) return fail(404, `Customer ${customerId} not found`);
    const bad = checkCustomFields(data, 'project', body.customFields);
    if (bad) return bad;
    const resolved = resolvePipeline(data, body.pipeline as TitleAndId | undefined, body.pipelineStage as TitleAndId | undefined);
    if (resolved.error) return resolved.error;
    const p: Project = {
      id: newId(data),
      customerId,
      ...(body.reference !== undefined ? { reference: String(body.reference) } : {}),
      ...(body.siteAddress !== undefined ? { siteAddress: body.siteAddress as Project['siteAddress'] } : {}),
      tags: [...new Set((body.tags as string[]) ?? [])],
      pipeline: resolved.pipeline as TitleAndId,
      pipelineStage: resolved.stage as TitleAndId,
      ...(body.assignTo ? { assignTo: body.assignTo as { email: string } } : {}),
      notes: (body.notes as string[]) ?? [],
      customFields: { ...((body.customFields as object) ?? {}) },
      createdAt: now.toISOString(),
    };
    data.projects.push(p);
    return { status: 201, body: projectView(p) };
  },

  'update-project': ({ data, params, body, publish }) => {
    const p = data.projects.find((x) => x.id === params.projectId);
    if (!p) return fail(404, `Project ${params.projectId} not found`);
    const bad = checkCustomFields(data, 'project', body.customFields);
    if (bad) return bad;
    const before = projectView(p);
    if (body.pipeline !== undefined || body.pipelineStage !== undefined) {
      const resolved = resolvePipeline(
        data,
        (body.pipeline as TitleAndId | undefined) ?? p.pipeline,
        body.pipelineStage as TitleAndId | undefined,
      );
      if (resolved.error) return resolved.error;
      p.pipeline = resolved.pipeline as TitleAndId;
      p.pipelineStage = resolved.stage as TitleAndId;
    }
    if (body.reference !== undefined) p.reference = String(body.reference);
    if (body.siteAddress !== undefined) p.siteAddress = body.siteAddress as Project['siteAddress'];
    if (body.tags !== undefined) p.tags = [...new Set(body.tags as string[])];
    if (body.assignTo !== undefined) p.assignTo = body.assignTo as { email: string };
    if (Array.isArray(body.notes)) p.notes = [...p.notes, ...(body.notes as string[])];
    Object.assign(p.customFields, (body.customFields as object) ?? {});
    const sameTags = before.tags.length === p.tags.length && before.tags.every((t) => p.tags.includes(t));
    // Payload fields follow the connectors' trigger catalog (packages/connectors/src/triggers.ts).
    if (!sameTags) {
      const added = p.tags.filter((t) => !before.tags.includes(t));
      const removed = before.tags.filter((t) => !p.tags.includes(t));
      publish('project.tagsChanged', { project: projectView(p), added, removed, previousTags: before.tags });
    }
    if (before.pipelineStage.id !== p.pipelineStage.id) {
      publish('project.pipelineStageChanged', {
        project: projectView(p),
        pipelineStage: { ...p.pipelineStage },
        previousPipelineStage: before.pipelineStage,
      });
    }
    return { status: 200, body: projectView(p) };
  },

  'list-custom-field-definitions': ({ data, query }) => ({
    status: 200,
    body: { results: data.customFields.filter((d) => d.groupRole === query.groupRole) },
  }),

  'list-tax-rates': ({ data, query }) => ({ status: 200, body: page(data.taxRates, query) }),
};
