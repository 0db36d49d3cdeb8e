import type * as C from '@splice/server/api/contract';

/**
 * Draft vs live, in plain TypeScript (tested without React): what each environment runs, whether the
 * saved head is ahead of it, and the questions the editor asks before activating, deploying or running.
 * Saving makes a draft revision; only Deploy changes what runs (n8n's and Zapier's "publish").
 */
export interface DeployStatus {
  flowId: string;
  title: string;
  active: boolean;
  headRevision: number;
  triggerType?: C.TriggerType;
  webhookPath?: string;
  hasTests: boolean;
  deployments: C.Deployment[];
  liveTarget?: { environment: C.EnvironmentName; revision: number };
}

export const ENVIRONMENT_TITLES: Record<C.EnvironmentName, string> = { staging: 'Staging (sandbox)', production: 'Production' };

export function statusOf(flow: C.FlowDetail): DeployStatus {
  return {
    flowId: flow.id,
    title: flow.title ?? flow.id,
    active: flow.active,
    headRevision: flow.headRevision,
    ...(flow.triggerType ? { triggerType: flow.triggerType } : {}),
    ...(flow.webhookPath ? { webhookPath: flow.webhookPath } : {}),
    hasTests: flow.hasTests,
    deployments: flow.deployments ?? [],
    ...(flow.liveTarget ? { liveTarget: flow.liveTarget } : {}),
  };
}

export interface EnvironmentState {
  environment: C.EnvironmentName;
  title: string;
  deployed?: C.Deployment;
  /** The saved head (or unsaved edits) would change what runs here: Deploy has something to do. */
  draftAhead: boolean;
  /** What the flow's triggers run (the environment of `liveTarget`). */
  live: boolean;
  /** One line for people, e.g. "r3 deployed · r5 saved, not deployed". */
  summary: string;
}

export function environmentStates(status: DeployStatus, dirty: boolean): EnvironmentState[] {
  return (Object.keys(ENVIRONMENT_TITLES) as C.EnvironmentName[]).map((environment) => {
    const deployed = status.deployments.find((d) => d.environment === environment);
    const draftAhead = dirty || !deployed || deployed.revision !== status.headRevision;
    const parts = [deployed ? `r${deployed.revision} deployed` : 'nothing deployed'];
    if (deployed && deployed.revision !== status.headRevision) parts.push(`r${status.headRevision} saved, not deployed`);
    else if (deployed && !dirty) parts.push('up to date');
    if (dirty) parts.push('unsaved changes');
    return { environment, title: ENVIRONMENT_TITLES[environment], ...(deployed ? { deployed } : {}), draftAhead, live: status.liveTarget?.environment === environment, summary: parts.join(' · ') };
  });
}

/** A question for the confirmation dialog: the first choice marked `primary` is the default action. */
export interface Question {
  title: string;
  body: string[];
  choices: Array<{ id: string; label: string; primary?: boolean }>;
}

const CANCEL = { id: 'cancel', label: 'Cancel' };
const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const deployedLine = (d: C.Deployment) => `revision ${d.revision} (deployed ${when(d.deployedAt)} by ${d.deployedBy})`;

/** What the flow's trigger does once active, in users' words. */
function triggerLine(status: DeployStatus): string {
  switch (status.triggerType) {
    case 'webhook':
      return `Its webhook (${status.webhookPath ?? `/hooks/${status.flowId}`}) then takes events.`;
    case 'schedule':
      return 'Its schedule then starts running it.';
    default:
      return `It then takes runs from "Run now" and API calls (POST /api/flows/${status.flowId}/runs).`;
  }
}

export function deployQuestion(status: DeployStatus, environment: C.EnvironmentName, dirty: boolean): Question {
  const next = dirty ? status.headRevision + 1 : status.headRevision;
  const current = status.deployments.find((d) => d.environment === environment);
  const body = [current ? `${ENVIRONMENT_TITLES[environment]} now runs ${deployedLine(current)}.` : `Nothing is deployed to ${ENVIRONMENT_TITLES[environment]} yet.`];
  if (dirty) body.push(`Your unsaved changes are saved first, as revision ${next}.`);
  body.push(`From then on runs in ${environment} execute revision ${next}: "Run now"${status.liveTarget?.environment === environment || !status.liveTarget ? ', and the trigger’s events while the flow is active' : ''}.`);
  if (environment === 'production') {
    body.push('Production takes a revision only when it validates against production’s credentials and the flow’s tests pass: Splice runs them now and shows any failure.');
    if (!status.hasTests) body.push('This flow has no tests yet, so production will refuse it until you add some.');
  }
  return { title: `Deploy revision ${next} to ${ENVIRONMENT_TITLES[environment]}?`, body, choices: [{ id: 'deploy', label: dirty ? `Save and deploy revision ${next}` : `Deploy revision ${next}`, primary: true }, CANCEL] };
}

export function activationQuestion(status: DeployStatus, activate: boolean): Question {
  if (!activate) {
    return {
      title: `Deactivate “${status.title}”?`,
      body: ['Its trigger stops taking events: webhooks answer 404, schedules stop and API runs are refused. Runs already started finish; nothing is deleted.'],
      choices: [{ id: 'deactivate', label: 'Deactivate', primary: true }, CANCEL],
    };
  }
  const live = status.liveTarget;
  const deployed = live && status.deployments.find((d) => d.environment === live.environment);
  const body = [triggerLine(status)];
  if (live) body.push(`It runs ${ENVIRONMENT_TITLES[live.environment]} ${deployed ? deployedLine(deployed) : `revision ${live.revision}`}.`);
  else body.push(`Nothing is deployed yet, so activating deploys revision ${status.headRevision} to ${ENVIRONMENT_TITLES.staging}.`);
  if (live && live.revision !== status.headRevision) body.push(`Revision ${status.headRevision} is saved but not deployed: it does not run until you deploy it.`);
  return { title: `Activate “${status.title}”?`, body, choices: [{ id: 'activate', label: 'Activate', primary: true }, CANCEL] };
}

/** What "Run now" must do first for the chosen environment, and the question to ask when anything. */
export type RunNowPlan =
  | { kind: 'run'; revision: number }
  | { kind: 'ask'; question: Question; revision?: number };

export function runNowPlan(status: DeployStatus, environment: C.EnvironmentName, dirty: boolean): RunNowPlan {
  const deployed = status.deployments.find((d) => d.environment === environment);
  const title = ENVIRONMENT_TITLES[environment];
  const next = dirty ? status.headRevision + 1 : status.headRevision;
  const deployAndRun = { id: 'deploy-and-run', label: dirty ? `Save, deploy revision ${next} and run` : `Deploy revision ${next} and run`, primary: true };
  if (!status.active) {
    const body = ['"Run now" runs the deployed revision of an active flow, as its trigger would.', triggerLine(status)];
    if (!deployed) body.push(`Nothing is deployed to ${title} yet: revision ${next} is deployed there first${dirty ? ' (your unsaved changes are saved first)' : ''}.`);
    else body.push(`It runs ${deployedLine(deployed)}${deployed.revision !== status.headRevision || dirty ? `, not your latest changes: deploy them first to run them` : ''}.`);
    return { kind: 'ask', question: { title: `Activate “${status.title}” and run it in ${environment}?`, body, choices: [{ id: 'activate-and-run', label: deployed ? 'Activate and run' : `Deploy revision ${next}, activate and run`, primary: true }, CANCEL] }, ...(deployed ? { revision: deployed.revision } : {}) };
  }
  if (!deployed) {
    return { kind: 'ask', question: { title: `Nothing is deployed to ${title}`, body: [`"Run now" runs what is deployed. Deploy revision ${next} to ${environment} and run it?`], choices: [deployAndRun, CANCEL] } };
  }
  if (deployed.revision === status.headRevision && !dirty) return { kind: 'run', revision: deployed.revision };
  const body = [`"Run now" runs what is deployed: ${title} runs ${deployedLine(deployed)}.`];
  if (deployed.revision !== status.headRevision) body.push(`Your latest save, revision ${status.headRevision}, is not deployed there.`);
  if (dirty) body.push('You also have unsaved changes.');
  return {
    kind: 'ask',
    question: { title: `Run revision ${deployed.revision}, or deploy your changes first?`, body, choices: [deployAndRun, { id: 'run-deployed', label: `Run revision ${deployed.revision}` }, CANCEL] },
    revision: deployed.revision,
  };
}
