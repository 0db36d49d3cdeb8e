import { mulberry32, pick } from '../core/prng';
import { TRADE_JOB_TAGS } from '../core/trade-job-tags';

/**
 * Payaca demo data: customers, projects (jobs) with tags, pipelines and custom fields, custom-field
 * definitions per role and UK tax rates. Deterministic from the seed.
 */

export interface CustomerAddress {
  line1?: string;
  line2?: string;
  city?: string;
  postcode?: string;
  country?: string;
  regionallyUniqueIdentifier?: string;
  accessContacts?: Array<{ name?: string; email?: string; telephoneNumber?: string }>;
  isBillingAddress?: boolean;
}

export interface Customer {
  id: string;
  name: string;
  email: string;
  contactNumber?: string;
  addresses: CustomerAddress[];
  tags: string[];
  customFields: Record<string, unknown>;
  createdAt: string;
}

export interface TitleAndId {
  id: string;
  title: string;
}

export interface Project {
  id: string;
  customerId: string;
  reference?: string;
  siteAddress?: { line1: string; line2?: string; city?: string; postcode: string; country?: string } | string;
  tags: string[];
  pipeline: TitleAndId;
  pipelineStage: TitleAndId;
  assignTo?: { email: string };
  notes: string[];
  customFields: Record<string, unknown>;
  createdAt: string;
}

export interface CustomFieldDefinition {
  identifier: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select';
  groupRole: 'customer' | 'project';
  options?: string[];
}

export interface TaxRate {
  id: string;
  name: string;
  percentage: number;
  isReverseCharge: boolean;
}

export interface Pipeline extends TitleAndId {
  stages: TitleAndId[];
}

export interface PayacaData {
  seed: number;
  customers: Customer[];
  projects: Project[];
  customFields: CustomFieldDefinition[];
  taxRates: TaxRate[];
  pipelines: Pipeline[];
  nextId: number;
}

const FIRST = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Harry', 'Mia', 'Jack', 'Sophie', 'Noah', 'Grace', 'Leo'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Walker'];
const STREETS = ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane', 'Park Avenue'];
const CITIES: Array<[string, string]> = [
  ['Leeds', 'LS1'],
  ['York', 'YO1'],
  ['Bristol', 'BS1'],
  ['Manchester', 'M1'],
  ['Sheffield', 'S1'],
];
const PROJECT_TAGS = [
  ...TRADE_JOB_TAGS,
  'Social Post',
  'Review Request',
];

const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);
/** First id handed out; pipelines, stages and tax rates take the first 15, then customers and projects. */
const PAYACA_FIRST_ID = 10_000;
export const PAYACA_FIRST_CUSTOMER_ID = '10015';
export const PAYACA_FIRST_PROJECT_ID = '10016';

export function buildPayacaData(seed: number): PayacaData {
  const rand = mulberry32(seed ^ 0x9a7aca);
  // Ids start at the same number whatever the seed (the draw is kept so the rest still follows the seed):
  // the first customer is always PAYACA_FIRST_CUSTOMER_ID with PAYACA_FIRST_PROJECT_ID as its first job, the
  // ids the templates' sample events name, so their test runs against the sandbox find real records.
  rand();
  let nextId = PAYACA_FIRST_ID;
  const id = () => String(nextId++);
  const pipelines: Pipeline[] = [
    {
      id: id(),
      title: 'Jobs',
      stages: ['New enquiry', 'Quote sent', 'Quote accepted', 'In progress', 'Complete'].map((title) => ({ id: id(), title })),
    },
    { id: id(), title: 'Maintenance', stages: ['Due', 'Booked', 'Done'].map((title) => ({ id: id(), title })) },
  ];
  const customFields: CustomFieldDefinition[] = [
    {
      identifier: 'preferredContact',
      label: 'Preferred contact',
      type: 'select',
      groupRole: 'customer',
      options: ['phone', 'email', 'sms'],
    },
    { identifier: 'highlevelContactId', label: 'HighLevel contact id', type: 'text', groupRole: 'customer' },
    { identifier: 'marketingConsent', label: 'Marketing consent', type: 'select', groupRole: 'customer', options: ['yes', 'no'] },
    { identifier: 'socialPostId', label: 'Social post id', type: 'text', groupRole: 'project' },
    { identifier: 'socialImpressions', label: 'Social impressions', type: 'number', groupRole: 'project' },
    { identifier: 'socialEngagement', label: 'Social engagement', type: 'number', groupRole: 'project' },
    { identifier: 'statisticsUpdatedAt', label: 'Statistics updated at', type: 'date', groupRole: 'project' },
    { identifier: 'jobType', label: 'Job type', type: 'select', groupRole: 'project', options: ['install', 'repair', 'service'] },
  ];
  const taxRates: TaxRate[] = [
    { id: id(), name: 'Standard rate (20%)', percentage: 20, isReverseCharge: false },
    { id: id(), name: 'Reduced rate (5%)', percentage: 5, isReverseCharge: false },
    { id: id(), name: 'Zero rate (0%)', percentage: 0, isReverseCharge: false },
    { id: id(), name: 'Domestic reverse charge (20%)', percentage: 20, isReverseCharge: true },
    { id: id(), name: 'Exempt', percentage: 0, isReverseCharge: false },
  ];
  const customers: Customer[] = [];
  const projects: Project[] = [];
  for (let i = 0; i < 12; i++) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    const [city, area] = pick(rand, CITIES);
    const address: CustomerAddress = {
      line1: `${1 + Math.floor(rand() * 120)} ${pick(rand, STREETS)}`,
      city,
      postcode: `${area} ${1 + Math.floor(rand() * 9)}AB`,
      country: 'United Kingdom',
      regionallyUniqueIdentifier: String(100_000_000_000 + Math.floor(rand() * 1e11)),
      accessContacts: [],
      isBillingAddress: true,
    };
    const customer: Customer = {
      id: id(),
      name: `${first} ${last}`,
      email: `${first}.${last}${i}@example.co.uk`.toLowerCase(),
      contactNumber: `07700 9${String(Math.floor(rand() * 100_000)).padStart(5, '0')}`,
      addresses: [address],
      tags: rand() < 0.5 ? ['Newsletter'] : [],
      customFields: { preferredContact: pick(rand, ['phone', 'email', 'sms']) },
      createdAt: new Date(BASE_TIME + i * 86_400_000).toISOString(),
    };
    customers.push(customer);
    const pipeline = pipelines[0] as Pipeline;
    const projectCount = 1 + Math.floor(rand() * 2);
    for (let j = 0; j < projectCount; j++) {
      projects.push({
        id: id(),
        customerId: customer.id,
        reference: `JOB-${2026}${String(projects.length + 1).padStart(4, '0')}`,
        siteAddress: { line1: address.line1 as string, city, postcode: address.postcode as string, country: 'United Kingdom' },
        tags: [...new Set([pick(rand, PROJECT_TAGS), pick(rand, PROJECT_TAGS)])],
        pipeline: { id: pipeline.id, title: pipeline.title },
        pipelineStage: { ...pick(rand, pipeline.stages) },
        notes: [],
        customFields: { jobType: pick(rand, ['install', 'repair', 'service']) },
        createdAt: new Date(BASE_TIME + (i + j) * 86_400_000 + 3_600_000).toISOString(),
      });
    }
  }
  return { seed, customers, projects, customFields, taxRates, pipelines, nextId };
}

export function newId(data: PayacaData): string {
  return String(data.nextId++);
}
