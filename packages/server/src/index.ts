export {
  createServerContext,
  type ServerContext,
  type ModuleStores,
  type CreateServerContextOptions,
  type ServerState,
  type RunFinishedEvent,
} from './context';
export { createApp, type CreateAppOptions } from './app';
export { startServer, type StartServerOptions, type RunningServer } from './serve';
export { resolveServerConfig, defaultServerConfig, type ServerConfig, type ServerConfigInput } from './config';
export { createLogger, redactPaths, type Logger } from './logger';
export { createMetrics, type ServerMetrics } from './metrics';
export * from './errors';
export { StaticFlowResolver, type ActiveFlow, type FlowResolver } from './intake/flow-resolver';
export { CachingFlowResolver } from './intake/revision-cache';
export { CredentialWebhookSecretSource } from './signatures/credential-webhook-secret-source';
export { StaticWebhookSecretSource, type WebhookKey, type WebhookSecretSource } from './signatures/webhook-secret-source';
export { verifySignature } from './signatures/verify-signature';
export type { JobQueue, ClaimedJob, NewJob, QueueDepth } from './queue/job-queue';
export { SqlJobQueue } from './queue/sql-job-queue';
export { EventStore, type SubmitEventInput, type SubmitResult, type RunTrigger } from './runs/event-store';
export { RunStore, type ListRunsFilter, type RetentionPolicy } from './runs/run-store';
export type { RunDetail, RunAttemptView } from './runs/run-views';
export { SqlCheckpointStore } from './runs/checkpoint-store';
export { WorkerPool } from './worker/worker-pool';
export type { FlowEngine, FlowEngineRunOptions, EngineFactory } from './worker/flow-engine';
export { createDefaultEngineFactory, type EngineEnvironment, type EngineFactoryOptions } from './worker/engine-factory';
export { openDatabase, type SpliceDb, type OpenedDatabase } from './storage/database';
export * from './credentials/index';
