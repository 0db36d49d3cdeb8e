import type { JsonSchema } from './catalog/json';
import { findConnector } from './connectors';
import type { DeliveryFact } from './webhook-facts';

/**
 * The trigger catalog: webhook events Splice can start flows from. Hand-kept data (no OpenAPI covers
 * webhooks); every entry says where it comes from, and `assumed` marks names/payloads no public source confirms.
 */
export interface TriggerEvent {
  /** `highlevel.ContactTagUpdate`, `payaca.project.pipelineStageChanged`. */
  id: string;
  connector: 'highlevel' | 'payaca';
  /** The event's name as delivered. */
  event: string;
  /** Where the name is read (the connector's webhook declaration): HighLevel's body `type`; Payaca's body `event`, else its unsigned `x-payaca-event` header. */
  eventFrom: DeliveryFact;
  title: string;
  description: string;
  /** The event name is not confirmed by a public source. */
  assumed: boolean;
  /** The payload schema is our model, not a published one. */
  payloadAssumed: boolean;
  source: string;
  payloadSchema: JsonSchema;
  sample: Record<string, unknown>;
}

const HL_LIST = 'HighLevel webhook event list, marketplace.gohighlevel.com/docs/tags/webhook-events (as scraped 2025-10-11)';
const PAYACA_FACTS = 'specs/payaca/FACTS.md (x-payaca-event names from docs.api.payaca.com)';
const HL_FROM = findConnector('highlevel')!.webhooks!.eventType;
const PAYACA_FROM = findConnector('payaca')!.webhooks!.eventType;

/** HighLevel payloads carry `timestamp` and `webhookId` (specs/README.md): stale ones are rejected, repeats deduplicated. */
function hlPayload(type: string, properties: JsonSchema, required: string[]): JsonSchema {
  return {
    type: 'object',
    required: ['type', 'locationId', ...required],
    properties: { type: { const: type }, locationId: { type: 'string' }, timestamp: { type: 'string' }, webhookId: { type: 'string' }, ...properties },
  };
}

/** Payaca's payload shape is not published: our model is `{ id, event, occurredAt, data }` (id: delivery id, for dedupe). */
function payacaPayload(data: JsonSchema): JsonSchema {
  return { type: 'object', required: ['event', 'data'], properties: { id: { type: 'string' }, event: { type: 'string' }, occurredAt: { type: 'string', format: 'date-time' }, data } };
}

const project: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' }, customerId: { type: 'string' }, reference: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
};

export const triggerEvents: TriggerEvent[] = [
  {
    id: 'highlevel.ContactTagUpdate', connector: 'highlevel', event: 'ContactTagUpdate', eventFrom: HL_FROM,
    title: "Contact's tags changed", description: "Called whenever a contact's tag field is updated.",
    assumed: false, payloadAssumed: false, source: HL_LIST,
    payloadSchema: hlPayload('ContactTagUpdate', { id: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, ['id', 'tags']),
    sample: { type: 'ContactTagUpdate', locationId: 've9EPM428h8vShlRW1KT', id: 'nmFmQEsNgz6AVpgLVUJ0', email: 'jo@example.com', tags: ['kitchen', 'boiler'], timestamp: '2026-11-27T06:00:00.000Z', webhookId: 'a1b2c3' },
  },
  {
    id: 'highlevel.AppInstall', connector: 'highlevel', event: 'INSTALL', eventFrom: HL_FROM,
    title: 'App installed', description: 'Called whenever the app is installed on a location or company.',
    assumed: false, payloadAssumed: false, source: HL_LIST,
    payloadSchema: hlPayload('INSTALL', { appId: { type: 'string' }, companyId: { type: 'string' }, installType: { type: 'string' } }, []),
    sample: { type: 'INSTALL', appId: 'app_1', locationId: 've9EPM428h8vShlRW1KT', companyId: 'c_1', installType: 'Location', timestamp: '2026-11-27T06:00:00.000Z', webhookId: 'a1b2c4' },
  },
  {
    id: 'highlevel.AppUninstall', connector: 'highlevel', event: 'UNINSTALL', eventFrom: HL_FROM,
    title: 'App uninstalled', description: 'Called whenever the app is uninstalled: stop flows of that location.',
    assumed: false, payloadAssumed: false, source: HL_LIST,
    payloadSchema: hlPayload('UNINSTALL', { appId: { type: 'string' }, companyId: { type: 'string' } }, []),
    sample: { type: 'UNINSTALL', appId: 'app_1', locationId: 've9EPM428h8vShlRW1KT', timestamp: '2026-11-27T06:00:00.000Z', webhookId: 'a1b2c5' },
  },
  {
    id: 'highlevel.SocialPostPublished', connector: 'highlevel', event: 'SocialPostPublished', eventFrom: HL_FROM,
    title: 'Social post published',
    description:
      'A Social Planner post went out. HighLevel\'s public webhook list has no Social Planner event, so this name and payload are our model: deliver it from a HighLevel workflow (custom webhook) or the sandbox, or poll get-posts with type "published".',
    assumed: true, payloadAssumed: true, source: `assumed: not in the ${HL_LIST}; post fields from get-post in specs/highlevel/apps/social-media-posting.json`,
    payloadSchema: hlPayload('SocialPostPublished', { postId: { type: 'string' }, accountIds: { type: 'array', items: { type: 'string' } }, platforms: { type: 'array', items: { type: 'string' } }, status: { type: 'string' }, publishedAt: { type: 'string' } }, ['postId']),
    sample: { type: 'SocialPostPublished', locationId: 've9EPM428h8vShlRW1KT', postId: '65f0c0ffee', accountIds: ['acc_fb_1'], platforms: ['facebook'], status: 'published', publishedAt: '2026-11-27T06:00:00.000Z', timestamp: '2026-11-27T06:00:01.000Z', webhookId: 'a1b2c6' },
  },
  {
    id: 'highlevel.SocialPlannerTagUpdate', connector: 'highlevel', event: 'SocialPlannerTagUpdate', eventFrom: HL_FROM,
    title: 'Social Planner tags changed',
    description: 'Social Planner tags were created or edited. Not a published HighLevel event (our model): the flow should fetch the tags by id (get-tags-by-ids) and reconcile.',
    assumed: true, payloadAssumed: true, source: `assumed: not in the ${HL_LIST}`,
    payloadSchema: hlPayload('SocialPlannerTagUpdate', { tagIds: { type: 'array', items: { type: 'string' }, minItems: 1 } }, ['tagIds']),
    sample: { type: 'SocialPlannerTagUpdate', locationId: 've9EPM428h8vShlRW1KT', tagIds: ['65fbdcfecc884f07e645ea8b'], timestamp: '2026-11-27T06:00:00.000Z', webhookId: 'a1b2c7' },
  },
  {
    id: 'payaca.project.pipelineStageChanged', connector: 'payaca', event: 'project.pipelineStageChanged', eventFrom: PAYACA_FROM,
    title: "Project's pipeline stage changed", description: 'A project (job) moved to another pipeline stage.',
    assumed: false, payloadAssumed: true, source: PAYACA_FACTS,
    payloadSchema: payacaPayload({ type: 'object', properties: { project, pipelineStage: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } } } }),
    sample: { event: 'project.pipelineStageChanged', occurredAt: '2026-11-27T06:00:00.000Z', data: { project: { id: 'prj_1', customerId: 'cus_1', reference: 'J-1001', tags: ['boiler'] }, pipelineStage: { id: 'st_3', title: 'Won' } } },
  },
  {
    id: 'payaca.project.tagsChanged', connector: 'payaca', event: 'project.tagsChanged', eventFrom: PAYACA_FROM,
    title: "Project's tags changed", description: "A project's tags were added or removed. Name assumed (FACTS.md lists no tag event); the sandbox fires it from its admin endpoint.",
    assumed: true, payloadAssumed: true, source: 'assumed: modelled for the tag templates; not in specs/payaca/FACTS.md',
    payloadSchema: payacaPayload({ type: 'object', required: ['project'], properties: { project, added: { type: 'array', items: { type: 'string' } }, removed: { type: 'array', items: { type: 'string' } }, previousTags: { type: 'array', items: { type: 'string' } } } }),
    sample: { id: 'dlv_1', event: 'project.tagsChanged', occurredAt: '2026-11-27T06:00:00.000Z', data: { project: { id: 'prj_1', customerId: 'cus_1', tags: ['boiler', 'kitchen'] }, added: ['kitchen'], removed: [], previousTags: ['boiler'] } },
  },
  {
    id: 'payaca.invoice.fullyPaid', connector: 'payaca', event: 'invoice.fullyPaid', eventFrom: PAYACA_FROM,
    title: 'Invoice fully paid', description: 'An invoice has been paid in full.',
    assumed: false, payloadAssumed: true, source: PAYACA_FACTS,
    payloadSchema: payacaPayload({ type: 'object', properties: { invoice: { type: 'object', properties: { id: { type: 'string' }, projectId: { type: 'string' }, total: { type: 'number' } } } } }),
    sample: { event: 'invoice.fullyPaid', occurredAt: '2026-11-27T06:00:00.000Z', data: { invoice: { id: 'inv_1', projectId: 'prj_1', total: 1250 } } },
  },
  {
    id: 'payaca.scheduledEvent.created', connector: 'payaca', event: 'scheduledEvent.created', eventFrom: PAYACA_FROM,
    title: 'Scheduled event created', description: 'A visit or appointment was scheduled.',
    assumed: false, payloadAssumed: true, source: PAYACA_FACTS,
    payloadSchema: payacaPayload({ type: 'object', properties: { scheduledEvent: { type: 'object', properties: { id: { type: 'string' }, projectId: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } } } } }),
    sample: { event: 'scheduledEvent.created', occurredAt: '2026-11-27T06:00:00.000Z', data: { scheduledEvent: { id: 'ev_1', projectId: 'prj_1', start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T11:00:00.000Z' } } },
  },
  ...(['quote.accepted', 'quote.sent', 'invoice.sent', 'scheduledEvent.updated'] as const).map(
    (event): TriggerEvent => ({
      id: `payaca.${event}`, connector: 'payaca', event, eventFrom: PAYACA_FROM,
      title: event, description: `Modelled on Payaca's Zapier trigger of the same meaning; the webhook name ${event} is assumed.`,
      assumed: true, payloadAssumed: true, source: "assumed: Payaca's Zapier instant triggers (Accepted Quote, Sent Quote, Sent Invoice, Updated Event) in specs/payaca/FACTS.md",
      payloadSchema: payacaPayload({ type: 'object' }),
      sample: { event, occurredAt: '2026-11-27T06:00:00.000Z', data: {} },
    }),
  ),
];

export function findTriggerEvent(connector: string, event: string): TriggerEvent | undefined {
  return triggerEvents.find((t) => t.connector === connector && t.event === event);
}
