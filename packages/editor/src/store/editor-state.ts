import type * as C from '@splice/server/api/contract';
import type { ApiClient } from '../api/api-client';
import type { NewStepSpec } from '../model/flow-edits';
import type { FlowDocument, YamlPath, YamlProblem } from '../model/flow-document';
import type { EdgeKind, FlowGraph } from '../model/flow-graph';
import type { Position } from '../model/flow-layout';
import type { FlowProblem, OperationFacts } from '../model/flow-validation';
import type { DeployStatus, Question } from '../pages/deploy/deploy-state';
import type { PreviewFieldError } from '../preview/preview-protocol';
import type { Route } from './routes';

/**
 * The shape of the editor's one store: state and action methods, by slice. Declared apart from the
 * slices so each slice can type `get()` without importing the store (no import cycles).
 */
/** Session, navigation and the server's reference data (catalog, templates, credentials, environments). */
export interface CatalogEntry extends C.CatalogOperation {
  connector: string;
  connectorTitle: string;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface AppSlice {
  token: string | undefined;
  route: Route;
  api: ApiClient;
  catalog: C.CatalogConnector[];
  operations: Map<string, CatalogEntry>;
  operationFacts: Map<string, OperationFacts>;
  templates: C.TemplateSummary[];
  credentials: C.CredentialMetadata[];
  environments: C.EnvironmentInfo[];
  environment: C.EnvironmentName;
  notices: Notice[];
  login(token: string): Promise<boolean>;
  logout(): void;
  navigate(route: Route): void;
  syncRoute(hash: string): void;
  loadReferenceData(): Promise<void>;
  loadCredentials(): Promise<void>;
  setEnvironment(env: C.EnvironmentName): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
  /** Runs an API call; failures become a notice instead of an unhandled rejection. */
  attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined>;
}

/**
 * The flow being edited. The YAML text is the one source of truth: the canvas, inspector and mapping
 * editor turn gestures into minimal Document edits of it (flow-edits.ts), and typing in the YAML view
 * replaces it; either way everything else is derived from the text again.
 */
export interface OpenFlow {
  /** Stored flow id; undefined until a new flow is first saved. */
  id: string | undefined;
  headRevision?: number;
  text: string;
  savedText: string;
  /** Parsed from `text`; the last good parse when the text has syntax errors. */
  data: Record<string, unknown>;
  graph: FlowGraph;
  problems: FlowProblem[];
  yamlProblems: YamlProblem[];
  serverIssues: { errors: C.ApiIssue[]; warnings: C.ApiIssue[] };
  positions: Record<string, Position>;
  lastRun?: C.RunRecord;
  running: boolean;
  saving: boolean;
}

export interface FlowSlice {
  flow: OpenFlow | undefined;
  selected: string | undefined;
  showYaml: boolean;
  openFlow(id: string): Promise<void>;
  newFlow(): void;
  setText(text: string): void;
  /** Apply a Document edit; returns false (and shows why) when the edit is refused. */
  edit(fn: (doc: FlowDocument, graph: FlowGraph) => void): boolean;
  select(id: string | undefined): void;
  toggleYaml(show?: boolean): void;
  addNode(spec: NewStepSpec, place?: { afterId?: string; branch?: EdgeKind }): void;
  setTriggerFrom(trigger: C.CatalogTrigger): void;
  connect(source: string, target: string, kind?: EdgeKind): void;
  removeNode(id: string): void;
  rename(oldId: string, newId: string): void;
  setField(path: YamlPath, value: unknown): void;
  deleteField(path: YamlPath): void;
  moveNode(id: string, pos: Position): void;
  autoLayout(): Promise<void>;
  save(): Promise<boolean>;
  testRun(): Promise<void>;
  validateRemote(): Promise<void>;
}

/** A refused deploy: the promotion gate's failing tests, or the validation issues, shown under the toolbar. */
export interface DeployProblems {
  environment: C.EnvironmentName;
  revision: number;
  code: string;
  message: string;
  issues: C.ApiIssue[];
  failedTests: Array<{ name: string; failures: Array<{ path: string; message: string; location?: C.ApiSourceLocation; diff?: string }> }>;
}

/** Save vs deploy (pages/deploy): what runs where, Deploy, activation and "Run now", each confirmed first. */
export interface DeploySlice {
  /** The open flow's server state: active, head, deployments, what the triggers run. */
  deployStatus: DeployStatus | undefined;
  /** The environment a deploy is going to, while it runs. */
  deploying: C.EnvironmentName | undefined;
  deployProblems: DeployProblems | undefined;
  /** The confirmation dialog's question, answered by one of its choice ids (or "cancel"). */
  question: (Question & { answer(choice: string): void }) | undefined;
  ask(question: Question): Promise<string>;
  loadDeployStatus(flowId: string): Promise<void>;
  clearDeployProblems(): void;
  /** Deploy the saved revision (saving unsaved edits first) to an environment, after asking. */
  deploy(environment: C.EnvironmentName): Promise<boolean>;
  /** Activate or deactivate the saved flow (an active flow takes webhooks, schedules and API runs), after asking. */
  setActive(active: boolean): Promise<void>;
  /** Enqueue a real run of the revision deployed to the chosen environment (asks when a draft is ahead). */
  runNow(): Promise<void>;
}

/** Operations screens: run history with filters, one run's detail, replay, dead letters. */
export interface RunFilters {
  flow?: string;
  status?: string;
  /** HighLevel location id (the runs screen picks it by name). */
  location?: string;
}

export interface OpsSlice {
  runs: C.RunSummary[];
  runsCursor: string | undefined;
  runFilters: RunFilters;
  runDetail: C.RunDetailResponse | undefined;
  deadLetters: C.DeadLetter[];
  loadRuns(filters?: RunFilters, more?: boolean): Promise<void>;
  loadRun(runId: string, refresh?: boolean): Promise<void>;
  replay(runId: string): Promise<void>;
  loadDeadLetters(): Promise<void>;
  replayDeadLetter(id: string): Promise<void>;
}

/**
 * The live mapping preview of the selected step: its `with` tree (call), expression (map), condition
 * (filter/if) or items (foreach), evaluated for the sample event in the preview worker.
 */
export interface PreviewState {
  stepId: string;
  status: 'running' | 'done' | 'timeout' | 'error';
  value?: unknown;
  errors: PreviewFieldError[];
  /** The `$item` used inside foreach (first item of the loop). */
  item?: unknown;
}

export interface PreviewSlice {
  preview: PreviewState | undefined;
  workerRestarts: number;
  refreshPreview(): void;
}

export type EditorState = AppSlice & FlowSlice & OpsSlice & PreviewSlice & DeploySlice;
